namespace SegHeads.Data.Augmentation;

/// <summary>What scale 1 means in <see cref="AugmentationOptions.MinScale"/> and <see cref="AugmentationOptions.MaxScale"/>.</summary>
public enum ScaleReference
{
    /// <summary>
    /// Scale 1 resizes the image (keeping its aspect ratio) to the smallest size that covers the
    /// output window, so any source size works; below 1 the output is padded, above 1 it is a crop.
    /// </summary>
    CoverOutput,

    /// <summary>Scale 1 keeps the image at its own size (crops of native resolution from large images).</summary>
    Source,
}
