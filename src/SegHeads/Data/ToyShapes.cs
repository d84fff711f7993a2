using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>
/// Generated toy segmentation data: circles, squares, triangles, rings and crosses of random colour,
/// size, rotation and position on a noisy, textured background. Colour says nothing about the class,
/// so a model must use shape (spatial context). Deterministic in the seed; nothing is downloaded.
/// </summary>
public static class ToyShapes
{
    /// <summary>Class names by index: background, then the shapes in order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["background", "circle", "square", "triangle", "ring", "cross"];

    /// <summary>Generates a dataset.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults.</param>
    /// <returns>Images <c>[N, 3, S, S]</c> in about <c>[0, 1]</c> and masks <c>[N, S, S]</c>.</returns>
    public static InMemoryDataset Generate(ToyShapesOptions? options = null)
    {
        options = (options ?? new ToyShapesOptions()).Validate();
        int s = options.ImageSize;
        int n = options.Count;
        var pixels = new float[(long)n * 3 * s * s];
        var labels = new long[(long)n * s * s];
        var random = new Random(options.Seed);
        for (int i = 0; i < n; i++)
        {
            Render(random, options, pixels.AsSpan(i * 3 * s * s, 3 * s * s), labels.AsSpan(i * s * s, s * s));
        }

        using Tensor images = tensor(pixels, [n, 3, s, s]);
        using Tensor masks = tensor(labels, [n, s, s]);
        return new InMemoryDataset(images, masks, options.NumClasses);
    }

    private static void Render(Random random, ToyShapesOptions o, Span<float> image, Span<long> mask)
    {
        int s = o.ImageSize;
        float[] background = RandomColor(random);
        var (fx1, fy1, p1) = (random.NextDouble() * 6 / s, random.NextDouble() * 6 / s, random.NextDouble() * 6.3);
        var (fx2, fy2, p2) = (random.NextDouble() * 6 / s, random.NextDouble() * 6 / s, random.NextDouble() * 6.3);
        for (int y = 0; y < s; y++)
        {
            for (int x = 0; x < s; x++)
            {
                double texture = o.Texture * 0.5 * (Math.Sin((fx1 * x) + (fy1 * y) + p1) + Math.Sin((fx2 * x) - (fy2 * y) + p2));
                for (int c = 0; c < 3; c++)
                {
                    image[(c * s * s) + (y * s) + x] = (float)(background[c] + texture);
                }
            }
        }

        int shapes = random.Next(1, o.MaxShapes + 1);
        for (int k = 0; k < shapes; k++)
        {
            int cls = random.Next(1, o.NumClasses);
            double r = s * (0.12 + (0.12 * random.NextDouble()));
            double cx = r + (random.NextDouble() * (s - (2 * r)));
            double cy = r + (random.NextDouble() * (s - (2 * r)));
            double angle = random.NextDouble() * Math.PI * 2;
            float[] color = RandomColor(random);
            while (Distance(color, background) < 0.45)
            {
                color = RandomColor(random);
            }

            double cos = Math.Cos(angle);
            double sin = Math.Sin(angle);
            for (int y = 0; y < s; y++)
            {
                for (int x = 0; x < s; x++)
                {
                    double dx = x + 0.5 - cx;
                    double dy = y + 0.5 - cy;
                    double u = (cos * dx) + (sin * dy);
                    double v = (-sin * dx) + (cos * dy);
                    if (Inside(cls, u / r, v / r))
                    {
                        mask[(y * s) + x] = cls;
                        for (int c = 0; c < 3; c++)
                        {
                            image[(c * s * s) + (y * s) + x] = color[c];
                        }
                    }
                }
            }
        }

        for (int i = 0; i < image.Length; i++)
        {
            image[i] += (float)(o.Noise * Gaussian(random));
        }
    }

    // Unit-radius shapes in rotated, scaled coordinates.
    private static bool Inside(int cls, double u, double v) => cls switch
    {
        1 => (u * u) + (v * v) <= 1,
        2 => Math.Max(Math.Abs(u), Math.Abs(v)) <= 0.8,
        3 => v <= 0.5 && (v >= (-1 + (Math.Sqrt(3) * Math.Abs(u)))),
        4 => (u * u) + (v * v) <= 1 && (u * u) + (v * v) >= 0.36,
        5 => (Math.Abs(u) <= 0.3 && Math.Abs(v) <= 1) || (Math.Abs(v) <= 0.3 && Math.Abs(u) <= 1),
        _ => false,
    };

    private static float[] RandomColor(Random random) =>
        [(float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()];

    private static double Distance(float[] a, float[] b) =>
        Math.Sqrt(((a[0] - b[0]) * (a[0] - b[0])) + ((a[1] - b[1]) * (a[1] - b[1])) + ((a[2] - b[2]) * (a[2] - b[2])));

    internal static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
