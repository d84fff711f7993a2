namespace SegHeads.Imaging.Writing;

/// <summary>Configuration of <see cref="DatasetExporter.ExportVoc"/>.</summary>
public sealed record VocExportOptions
{
    /// <summary>Image format in <c>JPEGImages</c>. Default <see cref="ExportImageFormat.Jpeg"/> (the VOC convention; lossy); <see cref="ExportImageFormat.Png"/> keeps images exact and <see cref="Datasets.VocDataset"/> reads it too.</summary>
    public ExportImageFormat ImageFormat { get; init; } = ExportImageFormat.Jpeg;

    /// <summary>JPEG quality 1..100. Default 95.</summary>
    public int JpegQuality { get; init; } = ImageFiles.DefaultJpegQuality;

    /// <summary>Every n-th sample (index % n == n − 1) goes to <c>val.txt</c>, the rest to <c>train.txt</c>; <c>trainval.txt</c> lists all. 0 puts every sample in train. Default 5 (a 80/20 split).</summary>
    public int ValEvery { get; init; } = 5;

    /// <summary>Put every sample in this split (e.g. "val") instead of dividing by <see cref="ValEvery"/>, or null. Default null.</summary>
    public string? Split { get; init; }

    /// <summary>Prefix of the sample ids (<c>{prefix}{index:D5}</c>), so that several exports can share one root. Default empty.</summary>
    public string IdPrefix { get; init; } = string.Empty;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public VocExportOptions Validate()
    {
        if (!Enum.IsDefined(ImageFormat))
        {
            throw new ArgumentOutOfRangeException(nameof(ImageFormat), ImageFormat, $"Unknown image format {ImageFormat}.");
        }

        if (JpegQuality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(JpegQuality), JpegQuality, $"JpegQuality must be in 1..100, but got {JpegQuality}.");
        }

        if (ValEvery is < 0 or 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ValEvery), ValEvery, $"ValEvery must be 0 (no val split) or at least 2, but got {ValEvery}.");
        }

        if (Split is not null && (Split.Length == 0 || Split.IndexOfAny(['/', '\\', '.']) >= 0))
        {
            throw new ArgumentException($"Split must be a name such as \"val\", but got \"{Split}\".", nameof(Split));
        }

        if (IdPrefix is null || IdPrefix.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || IdPrefix.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException($"IdPrefix must be usable in a file name without spaces, but got \"{IdPrefix}\".", nameof(IdPrefix));
        }

        return this;
    }
}
