using System.Text;

namespace SegHeads.Samples.OnnxInference;

/// <summary>Binary PPM (RGB) and PGM (grey) files, which need no image library and open in most viewers.</summary>
internal static class Netpbm
{
    /// <summary>Writes a planar [3, H, W] image in [0, 1] as a PPM.</summary>
    public static void WriteRgb(string path, float[] planar, int height, int width)
    {
        var pixels = new byte[3 * height * width];
        for (int i = 0; i < height * width; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                pixels[(3 * i) + c] = (byte)Math.Clamp(MathF.Round(planar[(c * height * width) + i] * 255f), 0, 255);
            }
        }

        Write(path, "P6", height, width, pixels);
    }

    /// <summary>Writes a class mask as a PGM, classes spread over the grey range so they are visible.</summary>
    public static void WriteMask(string path, ReadOnlySpan<long> mask, int height, int width, int numClasses)
    {
        var pixels = new byte[height * width];
        int step = 255 / Math.Max(numClasses - 1, 1);
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)Math.Clamp(mask[i] * step, 0, 255);
        }

        Write(path, "P5", height, width, pixels);
    }

    private static void Write(string path, string magic, int height, int width, byte[] pixels)
    {
        using FileStream stream = File.Create(path);
        stream.Write(Encoding.ASCII.GetBytes($"{magic}\n{width} {height}\n255\n"));
        stream.Write(pixels);
    }
}
