using SkiaSharp;

namespace SegHeads.Plotting;

/// <summary>One picture in an <see cref="ImageGrid"/>: an RGB image or a colour-coded class mask.</summary>
public sealed class ImageTile
{
    private readonly byte[] rgba;
    private readonly int[] classes;

    private ImageTile(int width, int height, byte[] rgba, int[] classes)
    {
        Width = width;
        Height = height;
        this.rgba = rgba;
        this.classes = classes;
    }

    /// <summary>Width in (unscaled) pixels.</summary>
    public int Width { get; }

    /// <summary>Height in (unscaled) pixels.</summary>
    public int Height { get; }

    /// <summary>Class indices that occur in the mask (empty for RGB tiles), ascending.</summary>
    public IReadOnlyList<int> Classes => classes;

    /// <summary>A copy of the tile's pixels: row-major RGBA.</summary>
    public byte[] ToRgbaBytes() => (byte[])rgba.Clone();

    /// <summary>The tile as an unpremultiplied RGBA Skia image (the caller disposes it).</summary>
    internal SKImage ToSkiaImage()
    {
        var info = new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        return SKImage.FromPixelCopy(info, rgba, Width * 4);
    }

    /// <summary>An RGB image from channel-first floats (<c>[3, H, W]</c> flattened) in 0..1.</summary>
    /// <param name="chw">3 * height * width values: all red, then all green, then all blue.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    /// <param name="rescale">Stretch the image's own min..max to 0..1 first (for normalised inputs);
    /// otherwise values are clamped to 0..1.</param>
    public static ImageTile Rgb(ReadOnlySpan<float> chw, int height, int width, bool rescale = false)
    {
        int plane = CheckSize(height, width);
        if (chw.Length != 3 * plane)
        {
            throw new ArgumentException($"Expected 3*{height}*{width} = {3 * plane} values, got {chw.Length}.", nameof(chw));
        }

        float min = 0f, max = 1f;
        if (rescale)
        {
            min = float.PositiveInfinity;
            max = float.NegativeInfinity;
            foreach (float v in chw)
            {
                if (float.IsFinite(v))
                {
                    min = Math.Min(min, v);
                    max = Math.Max(max, v);
                }
            }

            if (!(max > min))
            {
                (min, max) = (min - 1f, min + 1f);
            }
        }

        var pixels = new byte[plane * 4];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                pixels[(i * 4) + c] = Rgba.ToByte((chw[(c * plane) + i] - min) / (max - min));
            }

            pixels[(i * 4) + 3] = 255;
        }

        return new ImageTile(width, height, pixels, []);
    }

    /// <summary>A class mask coloured by <see cref="Palette.Category"/>; negative values and
    /// <paramref name="ignoreIndex"/> are drawn grey (<see cref="Palette.Ignore"/>).</summary>
    /// <param name="mask">height * width class indices, row-major.</param>
    /// <param name="height">Mask height.</param>
    /// <param name="width">Mask width.</param>
    /// <param name="ignoreIndex">The "unlabelled" index (255 for VOC-style masks).</param>
    public static ImageTile Mask(ReadOnlySpan<int> mask, int height, int width, int ignoreIndex = 255)
    {
        int plane = CheckSize(height, width);
        if (mask.Length != plane)
        {
            throw new ArgumentException($"Expected {height}*{width} = {plane} values, got {mask.Length}.", nameof(mask));
        }

        var pixels = new byte[plane * 4];
        var present = new SortedSet<int>();
        for (int i = 0; i < plane; i++)
        {
            int k = mask[i];
            bool ignored = k < 0 || k == ignoreIndex;
            if (!ignored)
            {
                present.Add(k);
            }

            var color = ignored ? Palette.Ignore : Palette.Category(k);
            pixels[i * 4] = color.R;
            pixels[(i * 4) + 1] = color.G;
            pixels[(i * 4) + 2] = color.B;
            pixels[(i * 4) + 3] = 255;
        }

        return new ImageTile(width, height, pixels, [.. present]);
    }

    /// <summary>A class mask from 64-bit indices (as TorchSharp's int64 label tensors give); see
    /// <see cref="Mask(ReadOnlySpan{int}, int, int, int)"/>.</summary>
    /// <param name="mask">height * width class indices, row-major.</param>
    /// <param name="height">Mask height.</param>
    /// <param name="width">Mask width.</param>
    /// <param name="ignoreIndex">The "unlabelled" index.</param>
    public static ImageTile Mask(ReadOnlySpan<long> mask, int height, int width, int ignoreIndex = 255)
    {
        var narrowed = new int[mask.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            narrowed[i] = mask[i] is < 0 or > int.MaxValue ? -1 : (int)mask[i];
        }

        return Mask(narrowed, height, width, ignoreIndex);
    }

    /// <summary>A tile from ready-made RGBA bytes (row-major, 4 per pixel).</summary>
    /// <param name="rgba">height * width * 4 bytes.</param>
    /// <param name="height">Image height.</param>
    /// <param name="width">Image width.</param>
    public static ImageTile FromRgba(ReadOnlySpan<byte> rgba, int height, int width)
    {
        int plane = CheckSize(height, width);
        if (rgba.Length != plane * 4)
        {
            throw new ArgumentException($"Expected {plane * 4} bytes, got {rgba.Length}.", nameof(rgba));
        }

        return new ImageTile(width, height, rgba.ToArray(), []);
    }

    private static int CheckSize(int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return checked(height * width);
    }
}
