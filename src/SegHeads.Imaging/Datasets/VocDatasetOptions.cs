using SegHeads.Imaging.Classes;

namespace SegHeads.Imaging.Datasets;

/// <summary>Configuration of <see cref="VocDataset"/>.</summary>
public sealed record VocDatasetOptions
{
    /// <summary>The VOC root: the folder that holds <c>JPEGImages</c>, <c>SegmentationClass</c> and <c>ImageSets/Segmentation</c>.</summary>
    public required string Root { get; init; }

    /// <summary>Split to read (<c>ImageSets/Segmentation/{Split}.txt</c>, e.g. "train", "val", "trainval"), or null for every mask in <c>SegmentationClass</c>. Default "train".</summary>
    public string? Split { get; init; } = "train";

    /// <summary>Classes, or null for <c>Root/classes.json</c> when that file exists and the 21 VOC classes (255 ignored) otherwise. Default null.</summary>
    public ClassMap? Classes { get; init; }

    /// <summary>Image channels. Default <see cref="ImageColorMode.Rgb"/>.</summary>
    public ImageColorMode ColorMode { get; init; } = ImageColorMode.Rgb;

    /// <summary>Keep decoded samples in memory after the first read. Default false.</summary>
    public bool CacheInMemory { get; init; }

    /// <summary>Resize every sample to this size (image bilinear, mask nearest), or null to keep each file's size. Default null.</summary>
    public ImageSize? ResizeTo { get; init; }

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The root is empty text, the split name has a path separator, or <see cref="ResizeTo"/> is not positive.</exception>
    public VocDatasetOptions Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Root);
        if (Split is not null && (Split.Length == 0 || Split.IndexOfAny(['/', '\\']) >= 0))
        {
            throw new ArgumentException($"Split must be a split name such as \"train\", but got \"{Split}\".", nameof(Split));
        }

        Check.ResizeTo(ResizeTo);
        Check.Enums(MaskEncoding.ClassIndex, ColorMode);
        return this;
    }
}
