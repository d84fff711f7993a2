namespace SegHeads.Imaging.Datasets;

/// <summary>How decoded images become channels.</summary>
public enum ImageColorMode
{
    /// <summary>Three channels R, G, B (C = 3); greyscale files are repeated into all three, alpha is dropped.</summary>
    Rgb,

    /// <summary>One channel (C = 1); colour files are converted with the BT.601 luma weights 0.299, 0.587, 0.114.</summary>
    Grayscale,
}
