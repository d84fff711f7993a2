using SegHeads.Imaging.Classes;

namespace SegHeads.Imaging.Datasets;

/// <summary>Configuration of <see cref="ImageMaskFolderDataset"/>.</summary>
public sealed record ImageMaskFolderOptions
{
    /// <summary>Folder of images (PNG, JPEG or BMP; read at the top level only).</summary>
    public required string ImagesDirectory { get; init; }

    /// <summary>Folder of masks: one PNG per image with the image's file stem (<c>a.jpg</c> → <c>a.png</c>).</summary>
    public required string MasksDirectory { get; init; }

    /// <summary>Classes (names, colours for colour masks, ignore index).</summary>
    public required ClassMap Classes { get; init; }

    /// <summary>How masks hold classes. Default <see cref="MaskEncoding.Auto"/> (grey/palette → index, RGB → colour).</summary>
    public MaskEncoding MaskEncoding { get; init; } = MaskEncoding.Auto;

    /// <summary>Image channels. Default <see cref="ImageColorMode.Rgb"/> (C = 3; greyscale files repeated).</summary>
    public ImageColorMode ColorMode { get; init; } = ImageColorMode.Rgb;

    /// <summary>Keep decoded samples in memory (8-bit, H·W·(C+1) bytes each) after the first read. Default false.</summary>
    public bool CacheInMemory { get; init; }

    /// <summary>Resize every sample to this size (image bilinear, mask nearest), or null to keep each file's size. Default null.</summary>
    public ImageSize? ResizeTo { get; init; }

    /// <summary>Skip files whose extension is not an image's (.png, .jpg, .jpeg, .bmp; masks .png) instead of reporting them. Hidden files (a leading '.') are always skipped. Default false.</summary>
    public bool IgnoreNonImageFiles { get; init; }

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">A folder is empty text or <see cref="ResizeTo"/> is not positive.</exception>
    public ImageMaskFolderOptions Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ImagesDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(MasksDirectory);
        ArgumentNullException.ThrowIfNull(Classes);
        Check.ResizeTo(ResizeTo);
        Check.Enums(MaskEncoding, ColorMode);
        return this;
    }
}

internal static class Check
{
    public static void ResizeTo(ImageSize? resizeTo)
    {
        if (resizeTo is { } s && (s.Height <= 0 || s.Width <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(resizeTo), s, $"ResizeTo must be positive, but got {s}.");
        }
    }

    public static void Enums(MaskEncoding encoding, ImageColorMode mode)
    {
        if (!Enum.IsDefined(encoding))
        {
            throw new ArgumentOutOfRangeException(nameof(encoding), encoding, $"Unknown mask encoding {encoding}.");
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown colour mode {mode}.");
        }
    }
}
