namespace SegHeads.Imaging.Datasets;

/// <summary>The two files of one sample.</summary>
/// <param name="ImagePath">The image file (PNG, JPEG or BMP).</param>
/// <param name="MaskPath">The mask file (8-bit PNG).</param>
public sealed record SampleFiles(string ImagePath, string MaskPath);
