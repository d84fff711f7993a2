using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Decoding;
using SkiaSharp;

namespace SegHeads.Imaging.Tests.Infrastructure;

/// <summary>Writes small image and mask files (good and bad) for tests.</summary>
internal static class TestFiles
{
    /// <summary>An RGB gradient that differs in every pixel and channel.</summary>
    public static byte[] Rgb(int h, int w, int seed = 0)
    {
        byte[] p = new byte[h * w * 3];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int i = 3 * ((y * w) + x);
                p[i] = (byte)((x * 17) + seed);
                p[i + 1] = (byte)((y * 29) + (seed * 3));
                p[i + 2] = (byte)((x * y) + 7);
            }
        }

        return p;
    }

    /// <summary>Labels 0..k−1 in stripes, with <paramref name="ignore"/> on the border when given.</summary>
    public static byte[] Labels(int h, int w, int k, int? ignore = null)
    {
        byte[] m = new byte[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                bool border = x == 0 || y == 0 || x == w - 1 || y == h - 1;
                m[(y * w) + x] = ignore is { } ii && border ? (byte)ii : (byte)((x + y) / 3 % k);
            }
        }

        return m;
    }

    public static void WritePng(string path, byte[] pixels, int h, int w, int channels) => Png.Write(path, pixels, w, h, channels);

    public static void WriteIndexMask(string path, byte[] labels, int h, int w, ClassMap? palette = null) =>
        Png.Write(path, labels, w, h, 1, palette is null ? null : SegHeads.Imaging.Writing.ImageFiles.Palette(palette));

    /// <summary>A valid 16-bit PNG (grey or RGB) of zeros.</summary>
    public static void Write16BitPng(string path, int h, int w, int colorType)
    {
        int bytesPerPixel = colorType == Png.Rgb ? 6 : 2;
        Png.WriteRaw(path, new byte[(1 + (w * bytesPerPixel)) * h], w, h, 16, colorType, null);
    }

    /// <summary>An 8-bit grey or palette PNG with Adam7 interlacing (SegHeads' own reader leaves these to SkiaSharp).</summary>
    public static void WriteInterlacedPng(string path, byte[] values, int h, int w, ClassMap? palette)
    {
        (int X, int Y, int Dx, int Dy)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        var raw = new List<byte>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            int pw = w > x0 ? (w - x0 + dx - 1) / dx : 0, ph = h > y0 ? (h - y0 + dy - 1) / dy : 0;
            if (pw == 0 || ph == 0)
            {
                continue;
            }

            for (int y = y0; y < h; y += dy)
            {
                raw.Add(0);
                for (int x = x0; x < w; x += dx)
                {
                    raw.Add(values[(y * w) + x]);
                }
            }
        }

        string tmp = path + ".tmp";
        Png.WriteRaw(tmp, [.. raw], w, h, 8, palette is null ? Png.Grey : Png.Palette, palette is null ? null : SegHeads.Imaging.Writing.ImageFiles.Palette(palette));
        byte[] bytes = File.ReadAllBytes(tmp);
        File.Delete(tmp);
        // IHDR's interlace byte is at offset 28; its CRC (over type + data) follows the 13 data bytes.
        bytes[28] = 1;
        uint crc = Crc(bytes.AsSpan(12, 17));
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(29), crc);
        File.WriteAllBytes(path, bytes);
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        uint c = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            c ^= b;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
        }

        return c ^ 0xFFFFFFFF;
    }

    public static void WriteJpeg(string path, byte[] rgb, int h, int w, int quality = 95) => Skia(path, rgb, h, w, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>A 24-bit bottom-up BMP (Skia has no BMP encoder).</summary>
    public static void WriteBmp(string path, byte[] rgb, int h, int w)
    {
        int row = ((w * 3) + 3) & ~3;
        using var s = new BinaryWriter(File.Create(path));
        s.Write((byte)'B');
        s.Write((byte)'M');
        s.Write(54 + (row * h));
        s.Write(0);
        s.Write(54);
        s.Write(40);
        s.Write(w);
        s.Write(h);
        s.Write((short)1);
        s.Write((short)24);
        s.Write(0);
        s.Write(row * h);
        s.Write(2835);
        s.Write(2835);
        s.Write(0);
        s.Write(0);
        for (int y = h - 1; y >= 0; y--)
        {
            for (int x = 0; x < w; x++)
            {
                int i = 3 * ((y * w) + x);
                s.Write(rgb[i + 2]);
                s.Write(rgb[i + 1]);
                s.Write(rgb[i]);
            }

            for (int pad = w * 3; pad < row; pad++)
            {
                s.Write((byte)0);
            }
        }
    }

    public static void Truncate(string path, double keep)
    {
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);
    }

    private static void Skia(string path, byte[] rgb, int h, int w, SKEncodedImageFormat format, int quality)
    {
        byte[] rgba = new byte[h * w * 4];
        for (int i = 0; i < h * w; i++)
        {
            (rgba[4 * i], rgba[(4 * i) + 1], rgba[(4 * i) + 2], rgba[(4 * i) + 3]) = (rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2], 255);
        }

        using SKImage image = SKImage.FromPixelCopy(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque), rgba);
        using SKData data = image.Encode(format, quality);
        File.WriteAllBytes(path, data.ToArray());
    }
}
