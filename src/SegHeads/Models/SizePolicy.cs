namespace SegHeads.Models;

/// <summary>What <see cref="SegmentationModel"/> does with an input whose size is not a multiple of the backbone's size divisor.</summary>
public enum SizePolicy
{
    /// <summary>Throw an <see cref="ArgumentException"/> naming the size and the divisor (the default).</summary>
    Strict,

    /// <summary>Zero-pad the bottom and right up to the next multiple, then crop the logits back to <c>H x W</c>.</summary>
    PadAndCrop,
}
