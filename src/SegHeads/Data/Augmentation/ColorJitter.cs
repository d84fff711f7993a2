using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Data.Augmentation;

/// <summary>Colour changes of an image <c>[C, h, w]</c> with values in [0, 1]; the mask is never touched.</summary>
internal static class ColorJitter
{
    // ITU-R BT.601 luma weights, as torchvision's rgb_to_grayscale.
    private const double R = 0.299;
    private const double G = 0.587;
    private const double B = 0.114;

    public static Tensor Apply(Tensor image, AugmentationOptions o, SampleRandom random)
    {
        if (o.Brightness > 0)
        {
            double f = random.Uniform(RandomSlot.Brightness, Math.Max(0, 1 - o.Brightness), 1 + o.Brightness);
            image = ScalarArgs.Clamp(ScalarMath.Multiply(image, f), 0, 1);
        }

        if (o.Contrast > 0)
        {
            double f = random.Uniform(RandomSlot.Contrast, Math.Max(0, 1 - o.Contrast), 1 + o.Contrast);
            Tensor mean = (image.shape[0] == 3 ? Gray(image) : image).mean();
            image = ScalarArgs.Clamp(ScalarMath.Add(ScalarMath.Multiply(image, f), ScalarMath.Multiply(mean, 1 - f)), 0, 1);
        }

        if (o.Saturation > 0)
        {
            double f = random.Uniform(RandomSlot.Saturation, Math.Max(0, 1 - o.Saturation), 1 + o.Saturation);
            image = ScalarArgs.Clamp(ScalarMath.Add(ScalarMath.Multiply(image, f), ScalarMath.Multiply(Gray(image), 1 - f)), 0, 1);
        }

        if (o.Hue > 0)
        {
            double angle = random.Uniform(RandomSlot.Hue, -o.Hue, o.Hue) * 2 * Math.PI;
            using Tensor rotation = tensor(HueRotation(angle), dtype: image.dtype).reshape(3, 3);
            long h = image.shape[1];
            long w = image.shape[2];
            image = ScalarArgs.Clamp(rotation.matmul(image.reshape(3, h * w)).reshape(3, h, w), 0, 1);
        }

        return image;
    }

    private static Tensor Gray(Tensor image) =>
        ScalarMath.Add(ScalarMath.Add(ScalarMath.Multiply(image[0], R), ScalarMath.Multiply(image[1], G)), ScalarMath.Multiply(image[2], B)).unsqueeze(0);

    // RGB → YIQ, rotate the chroma plane (I, Q) by the angle, YIQ → RGB: the grey axis (Y) is fixed.
    private static float[] HueRotation(double angle)
    {
        double[,] toYiq = { { 0.299, 0.587, 0.114 }, { 0.596, -0.274, -0.322 }, { 0.211, -0.523, 0.312 } };
        double[,] toRgb = Invert(toYiq);
        double c = Math.Cos(angle);
        double s = Math.Sin(angle);
        double[,] rotate = { { 1, 0, 0 }, { 0, c, -s }, { 0, s, c } };
        double[,] m = Multiply(toRgb, Multiply(rotate, toYiq));
        var result = new float[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                result[(i * 3) + j] = (float)m[i, j];
            }
        }

        return result;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int k = 0; k < 3; k++)
                {
                    m[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return m;
    }

    private static double[,] Invert(double[,] a)
    {
        double det = (a[0, 0] * ((a[1, 1] * a[2, 2]) - (a[1, 2] * a[2, 1])))
            - (a[0, 1] * ((a[1, 0] * a[2, 2]) - (a[1, 2] * a[2, 0])))
            + (a[0, 2] * ((a[1, 0] * a[2, 1]) - (a[1, 1] * a[2, 0])));
        var m = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                // Cofactor of a[j, i] (the adjugate is the transposed cofactor matrix).
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                m[i, j] = ((a[r0, c0] * a[r1, c1]) - (a[r0, c1] * a[r1, c0])) / det;
            }
        }

        return m;
    }
}
