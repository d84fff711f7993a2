namespace SegHeads.Inference;

/// <summary>How <see cref="TiledPredictor"/> extends an image that is smaller than a window (bottom and right only).</summary>
public enum TilePadding
{
    /// <summary>Zeros, as a model's own zero padding would see.</summary>
    Zeros,

    /// <summary>Repeats the last row and column.</summary>
    Replicate,
}
