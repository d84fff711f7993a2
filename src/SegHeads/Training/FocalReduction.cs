namespace SegHeads.Training;

/// <summary>How <see cref="FocalLoss"/> reduces its per-pixel terms (smp's <c>reduction</c>).</summary>
public enum FocalReduction
{
    /// <summary>Mean over the pixels that count (smp's <c>"mean"</c>, the default).</summary>
    Mean,

    /// <summary>Sum over the pixels that count (smp's <c>"sum"</c>; smp advises it with a reduced threshold).</summary>
    Sum,
}
