namespace SegHeads.Imaging.Writing;

/// <summary>File format of exported images.</summary>
public enum ExportImageFormat
{
    /// <summary>Lossless 8-bit PNG: a round trip is exact up to the 8-bit rounding (1/255).</summary>
    Png,

    /// <summary>JPEG (lossy) at <see cref="VocExportOptions.JpegQuality"/>, as in the original VOC <c>JPEGImages</c>.</summary>
    Jpeg,
}
