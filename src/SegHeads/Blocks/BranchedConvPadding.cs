namespace SegHeads.Blocks;

/// <summary>How the branches of a <see cref="BranchedConv"/> treat the border.</summary>
public enum BranchedConvPadding
{
    /// <summary>
    /// Each branch pads its input by <c>(kh / 2, kw / 2)</c>: output size = input size, and the fused
    /// conv (padding <c>(Kh / 2, Kw / 2)</c> for the largest kernel) is exact everywhere, borders included.
    /// </summary>
    Same,

    /// <summary>
    /// No padding: the output shrinks by the largest kernel minus 1 per axis, and each smaller branch
    /// runs on the input cropped centrally so that all outputs align (what a pad-once head uses).
    /// The fused conv has padding 0 and is exact everywhere.
    /// </summary>
    Valid,
}
