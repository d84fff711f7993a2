using System.Runtime.InteropServices;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Decoding;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Writing;

/// <summary>
/// Writes images and masks. PNGs are written by SegHeads itself (8-bit grey, RGB or palette, byte-identical
/// for identical input); JPEGs are encoded by SkiaSharp.
/// </summary>
public static class ImageFiles
{
    /// <summary>Default JPEG quality: high enough that a round trip stays within a few levels of 255.</summary>
    public const int DefaultJpegQuality = 95;

    /// <summary>Writes an image; the format comes from the extension (.png, .jpg or .jpeg). Values are clamped to [0, 1] and rounded to 8 bits.</summary>
    /// <param name="image">Image <c>[C, H, W]</c> with C = 1 (grey) or 3 (RGB), floating point in [0, 1].</param>
    /// <param name="path">File to write (the folder is created).</param>
    /// <param name="jpegQuality">JPEG quality 1..100 (ignored for PNG).</param>
    /// <exception cref="ArgumentException">The shape, channel count or extension is not supported.</exception>
    public static void WriteImage(Tensor image, string path, int jpegQuality = DefaultJpegQuality)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (image.dim() != 3 || image.shape[0] is not (1 or 3) || !image.is_floating_point())
        {
            throw new ArgumentException($"An image must be a floating-point [C, H, W] tensor with C = 1 or 3, but got {image.dtype} [{string.Join(", ", image.shape)}].", nameof(image));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(jpegQuality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(jpegQuality, 100);
        int c = (int)image.shape[0], h = (int)image.shape[1], w = (int)image.shape[2];
        byte[] pixels = ToBytes(image);
        CreateFolder(path);
        string ext = Path.GetExtension(path).ToUpperInvariant();
        switch (ext)
        {
            case ".PNG":
                Png.Write(path, pixels, w, h, c);
                break;
            case ".JPG" or ".JPEG":
                WriteJpeg(path, pixels, w, h, c, jpegQuality);
                break;
            default:
                throw new ArgumentException($"Images are written as .png, .jpg or .jpeg, but the path ends in '{Path.GetExtension(path)}': {path}.", nameof(path));
        }
    }

    /// <summary>Reads one image file (PNG, JPEG or BMP; 8-bit) as a tensor.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="colorMode">RGB (C = 3) or greyscale (C = 1).</param>
    /// <returns>Image <c>[C, H, W]</c> float32 in [0, 1], owned by the caller.</returns>
    /// <exception cref="Validation.DatasetException">The file is missing, corrupt, truncated, 16-bit or of another format (the message names it).</exception>
    public static Tensor ReadImage(string path, Datasets.ImageColorMode colorMode = Datasets.ImageColorMode.Rgb)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        (byte[] pixels, int h, int w) = ImageDecoder.DecodeImage(path, colorMode);
        int c = colorMode == Datasets.ImageColorMode.Rgb ? 3 : 1;
        using var scope = NewDisposeScope();
        using Scalar full = 255f.ToScalar();
        return scope.MoveToOuter(tensor(pixels, dtype: uint8).reshape(h, w, c).permute(2, 0, 1).to(float32).div(full).contiguous());
    }

    /// <summary>
    /// Writes a class-index mask as an 8-bit PNG: a palette PNG whose index is the class (as Pascal VOC's
    /// <c>SegmentationClass</c>) when <paramref name="classes"/> is given, so viewers show the class colours;
    /// a greyscale PNG otherwise.
    /// </summary>
    /// <param name="mask">Mask <c>[H, W]</c>, integer values 0..255.</param>
    /// <param name="path">File to write (the folder is created); should end in .png.</param>
    /// <param name="classes">Class colours for the palette, or null for greyscale.</param>
    /// <exception cref="ArgumentException">The mask is not an integer <c>[H, W]</c> tensor with values 0..255.</exception>
    public static void WriteMask(Tensor mask, string path, ClassMap? classes = null)
    {
        (byte[] labels, int h, int w) = MaskBytes(mask);
        CreateFolder(path);
        Png.Write(path, labels, w, h, 1, classes is null ? null : Palette(classes));
    }

    /// <summary>Writes a mask as an RGB PNG of class colours (ignored pixels in the ignore colour).</summary>
    /// <param name="mask">Mask <c>[H, W]</c>, integer values 0..K−1 or the ignore index.</param>
    /// <param name="path">File to write (the folder is created).</param>
    /// <param name="classes">Class colours.</param>
    /// <exception cref="ArgumentException">The mask holds a value that is neither a class nor the ignore index.</exception>
    public static void WriteColorMask(Tensor mask, string path, ClassMap classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        (byte[] labels, int h, int w) = MaskBytes(mask);
        byte[] rgb = new byte[labels.Length * 3];
        for (int i = 0; i < labels.Length; i++)
        {
            RgbColor color = MaskRendering.ColorOf(labels[i], classes);
            (rgb[3 * i], rgb[(3 * i) + 1], rgb[(3 * i) + 2]) = (color.R, color.G, color.B);
        }

        CreateFolder(path);
        Png.Write(path, rgb, w, h, 3);
    }

    internal static (byte R, byte G, byte B)[] Palette(ClassMap classes)
    {
        var palette = new (byte, byte, byte)[256];
        for (int i = 0; i < 256; i++)
        {
            RgbColor c = i < classes.Count ? classes.Colors[i] : i == classes.IgnoreIndex && classes.IgnoreColor is { } ic ? ic : ClassMap.VocPalette(i);
            palette[i] = (c.R, c.G, c.B);
        }

        return palette;
    }

    internal static byte[] ToBytes(Tensor image)
    {
        using var scope = NewDisposeScope();
        using Tensor hwc = image.detach().to(float32).clamp(0f, 1f).mul(255f).round().to(uint8).permute(1, 2, 0).contiguous().cpu();
        return hwc.data<byte>().ToArray();
    }

    internal static (byte[] Labels, int Height, int Width) MaskBytes(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dim() != 2 || mask.is_floating_point() || mask.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"A mask must be an integer [H, W] tensor, but got {mask.dtype} [{string.Join(", ", mask.shape)}].", nameof(mask));
        }

        using var scope = NewDisposeScope();
        long[] values = mask.detach().cpu().to(int64).contiguous().data<long>().ToArray();
        byte[] labels = new byte[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v is < 0 or > 255)
            {
                throw new ArgumentException($"Mask values must be 0..255 to fit an 8-bit PNG, but got {v} at pixel ({i % mask.shape[1]}, {i / mask.shape[1]}).", nameof(mask));
            }

            labels[i] = (byte)v;
        }

        return (labels, (int)mask.shape[0], (int)mask.shape[1]);
    }

    private static void WriteJpeg(string path, byte[] pixels, int w, int h, int c, int quality)
    {
        byte[] rgba = new byte[w * h * 4];
        for (int i = 0; i < w * h; i++)
        {
            rgba[4 * i] = pixels[c * i];
            rgba[(4 * i) + 1] = pixels[(c * i) + (c == 3 ? 1 : 0)];
            rgba[(4 * i) + 2] = pixels[(c * i) + (c == 3 ? 2 : 0)];
            rgba[(4 * i) + 3] = 255;
        }

        // NOTE: no chroma subsampling (4:4:4): the 4:2:0 default blurs colour at object edges, which a
        // segmentation image needs sharp (mean round-trip error on noisy 32×32 toy images, quality 95: 0.056 with 4:2:0, 0.012 without).
        var info = new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Opaque);
        GCHandle pin = GCHandle.Alloc(rgba, GCHandleType.Pinned);
        try
        {
            using var pixmap = new SKPixmap(info, pin.AddrOfPinnedObject());
            using SKData data = pixmap.Encode(new SKJpegEncoderOptions(quality, SKJpegEncoderDownsample.Downsample444, SKJpegEncoderAlphaOption.Ignore))
                ?? throw new IOException($"SkiaSharp could not encode a {w}×{h} JPEG for {path}.");
            using FileStream file = File.Create(path);
            data.SaveTo(file);
        }
        finally
        {
            pin.Free();
        }
    }

    private static void CreateFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
    }
}
