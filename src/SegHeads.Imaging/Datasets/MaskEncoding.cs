namespace SegHeads.Imaging.Datasets;

/// <summary>How the pixels of a mask PNG hold classes.</summary>
public enum MaskEncoding
{
    /// <summary>Greyscale and palette PNGs hold class indices; RGB and RGBA PNGs hold class colours.</summary>
    Auto,

    /// <summary>The grey level, or the palette index of a palette PNG, is the class (Pascal VOC's convention). RGB masks are an error.</summary>
    ClassIndex,

    /// <summary>Every pixel's colour (palette PNGs expanded) is looked up in the class map's colours; an unknown colour is an error.</summary>
    Color,
}
