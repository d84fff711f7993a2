using System.Runtime.InteropServices;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Validation;
using SkiaSharp;

namespace SegHeads.Imaging.Decoding;

/// <summary>Decodes image and mask files into 8-bit arrays; every failure names the file.</summary>
internal static class ImageDecoder
{
    public static (byte[] Pixels, int Height, int Width) DecodeImage(string path, ImageColorMode mode)
    {
        byte[] bytes = ReadAll(path);
        ImageFormat format = ImageFormats.Sniff(bytes);
        switch (format)
        {
            case ImageFormat.Png:
                PngHeader header = ReadPngHeader(path, bytes);
                if (header.BitDepth == 16)
                {
                    throw new DatasetException(path, $"16-bit PNG ({Png.DescribeColorType(header.ColorType)}, {header.Width}×{header.Height}): only 8-bit images are supported; convert it to 8 bits per channel.");
                }

                CheckPngChunks(path, bytes);
                break;
            case ImageFormat.Jpeg or ImageFormat.Bmp:
                break;
            default:
                throw Unsupported(path, format, "PNG, JPEG or BMP image");
        }

        byte[] rgba = DecodeRgba(path, bytes, format, out int width, out int height);
        int channels = mode == ImageColorMode.Rgb ? 3 : 1;
        byte[] pixels = new byte[width * height * channels];
        for (int i = 0, n = width * height; i < n; i++)
        {
            byte r = rgba[4 * i], g = rgba[(4 * i) + 1], b = rgba[(4 * i) + 2];
            if (channels == 3)
            {
                (pixels[3 * i], pixels[(3 * i) + 1], pixels[(3 * i) + 2]) = (r, g, b);
            }
            else
            {
                pixels[i] = (byte)Math.Round((0.299 * r) + (0.587 * g) + (0.114 * b));
            }
        }

        return (pixels, height, width);
    }

    public static (byte[] Labels, int Height, int Width) DecodeMask(string path, MaskEncoding encoding, ClassMap? classes)
    {
        byte[] bytes = ReadAll(path);
        ImageFormat format = ImageFormats.Sniff(bytes);
        if (format != ImageFormat.Png)
        {
            throw format == ImageFormat.Unknown
                ? Unsupported(path, format, "PNG mask")
                : new DatasetException(path, $"a {format.ToString().ToUpperInvariant()} file cannot be a mask: masks must be 8-bit PNGs (lossless), with class indices or class colours.");
        }

        PngHeader header = ReadPngHeader(path, bytes);
        string kind = $"{header.BitDepth}-bit {Png.DescribeColorType(header.ColorType)}";
        if (header.BitDepth == 16)
        {
            throw new DatasetException(path, $"{kind} PNG mask: masks must be 8-bit PNGs (class index or colour); convert it to 8 bits.");
        }

        CheckPngChunks(path, bytes);
        bool indexed = header.ColorType is Png.Grey or Png.Palette;
        if (encoding == MaskEncoding.ClassIndex && !indexed)
        {
            throw new DatasetException(path, $"{kind} PNG mask cannot hold class indices: a class-index mask is a greyscale or palette PNG. For colour masks use MaskEncoding.Color with a class file that gives the colours.");
        }

        if (indexed && encoding != MaskEncoding.Color)
        {
            byte[] labels = header.Interlaced ? DecodeInterlacedIndices(path, bytes, header) : DecodeIndices(path, bytes, header);
            return (labels, header.Height, header.Width);
        }

        if (classes is null)
        {
            throw new DatasetException(path, $"{kind} PNG mask holds colours, but no class map with colours was given (a classes.json file or the ClassMap option).");
        }

        byte[] rgba = DecodeRgba(path, bytes, ImageFormat.Png, out int width, out int height);
        return (MapColors(path, rgba, width, height, classes), height, width);
    }

    private static byte[] DecodeIndices(string path, byte[] bytes, PngHeader header)
    {
        try
        {
            return Png.DecodeIndices(bytes, header, out _);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"corrupt or truncated PNG mask: {e.Message}.", e);
        }
    }

    // NOTE: Skia expands palette PNGs to colours; for interlaced files (not decoded by Png) the index
    // comes back through the file's own palette, which is exact when the palette has no repeated colour.
    private static byte[] DecodeInterlacedIndices(string path, byte[] bytes, PngHeader header)
    {
        byte[] rgba = DecodeRgba(path, bytes, ImageFormat.Png, out int width, out int height);
        byte[] labels = new byte[width * height];
        if (header.ColorType == Png.Grey)
        {
            int scale = 255 / ((1 << header.BitDepth) - 1);
            for (int i = 0; i < labels.Length; i++)
            {
                labels[i] = (byte)(rgba[4 * i] / scale);
            }

            return labels;
        }

        byte[] plte = Png.ReadChunks(bytes).Plte ?? throw new DatasetException(path, "palette PNG mask without a PLTE chunk.");
        var lookup = new Dictionary<int, int>();
        var repeated = new HashSet<int>();
        for (int i = 0; i < plte.Length / 3; i++)
        {
            int packed = (plte[3 * i] << 16) | (plte[(3 * i) + 1] << 8) | plte[(3 * i) + 2];
            if (!lookup.TryAdd(packed, i))
            {
                repeated.Add(packed);
            }
        }

        for (int i = 0; i < labels.Length; i++)
        {
            int packed = (rgba[4 * i] << 16) | (rgba[(4 * i) + 1] << 8) | rgba[(4 * i) + 2];
            if (repeated.Contains(packed) || !lookup.TryGetValue(packed, out int index))
            {
                throw new DatasetException(path, $"interlaced palette PNG mask whose palette repeats a colour: the class of pixel ({i % width}, {i / width}) is ambiguous; save the mask without interlacing.");
            }

            labels[i] = (byte)index;
        }

        return labels;
    }

    private static byte[] MapColors(string path, byte[] rgba, int width, int height, ClassMap classes)
    {
        Dictionary<int, int> lookup = classes.ColorLookup();
        byte[] labels = new byte[width * height];
        int unknownCount = 0, first = -1;
        var unknown = new HashSet<int>();
        for (int i = 0; i < labels.Length; i++)
        {
            int packed = (rgba[4 * i] << 16) | (rgba[(4 * i) + 1] << 8) | rgba[(4 * i) + 2];
            if (lookup.TryGetValue(packed, out int k))
            {
                labels[i] = (byte)k;
            }
            else
            {
                unknownCount++;
                unknown.Add(packed);
                first = first < 0 ? i : first;
            }
        }

        if (unknownCount > 0)
        {
            var c = new RgbColor(rgba[4 * first], rgba[(4 * first) + 1], rgba[(4 * first) + 2]);
            throw new DatasetException(path, $"{unknownCount} pixel(s) in {unknown.Count} colour(s) are not class colours (first: colour {c} at pixel ({first % width}, {first / width})); the class map knows [{string.Join(", ", classes.Colors)}]{(classes.IgnoreColor is { } ic ? $" and the ignore colour {ic}" : string.Empty)}.");
        }

        return labels;
    }

    private static byte[] DecodeRgba(string path, byte[] bytes, ImageFormat format, out int width, out int height)
    {
        // The codec owns the managed stream it wraps.
        using var codec = SKCodec.Create(new MemoryStream(bytes, writable: false), out SKCodecResult createResult);
        if (codec is null)
        {
            throw new DatasetException(path, $"corrupt or truncated {format.ToString().ToUpperInvariant()} file: it cannot be decoded ({createResult}).");
        }

        width = codec.Info.Width;
        height = codec.Info.Height;
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        byte[] rgba = new byte[info.BytesSize];
        GCHandle pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        SKCodecResult result;
        try
        {
            result = codec.GetPixels(info, pin.AddrOfPinnedObject());
        }
        finally
        {
            pin.Free();
        }

        if (result != SKCodecResult.Success)
        {
            string what = result == SKCodecResult.IncompleteInput ? "truncated" : "corrupt";
            throw new DatasetException(path, $"{what} {format.ToString().ToUpperInvariant()} file: decoding stopped with '{result}'.");
        }

        return rgba;
    }

    private static PngHeader ReadPngHeader(string path, byte[] bytes)
    {
        try
        {
            return Png.ReadHeader(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"corrupt or truncated PNG: {e.Message}.", e);
        }
    }

    private static void CheckPngChunks(string path, byte[] bytes)
    {
        try
        {
            Png.ReadChunks(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException(path, $"corrupt or truncated PNG: {e.Message}.", e);
        }
    }

    private static byte[] ReadAll(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException(path, $"cannot read the file: {e.Message}", e);
        }

        return bytes.Length == 0 ? throw new DatasetException(path, "the file is empty (0 bytes).") : bytes;
    }

    private static DatasetException Unsupported(string path, ImageFormat format, string expected) => format == ImageFormat.Unknown
        ? new DatasetException(path, $"not a {expected}: the content is not PNG, JPEG or BMP (unrecognised first bytes).")
        : new DatasetException(path, $"{format.ToString().ToUpperInvariant()} is not supported: expected a {expected}; convert the file to PNG.");
}
