namespace SegHeads.Training;

/// <summary>Configuration of <see cref="PixelCrossEntropy"/>.</summary>
public sealed record CrossEntropyOptions
{
    /// <summary>Mask value of pixels that count nowhere (PyTorch's default, -100). Segmentation data often uses 255.</summary>
    public long IgnoreIndex { get; init; } = -100;

    /// <summary>Per-class weights (length K), or <see langword="null"/> for uniform. The mean is weighted, as in PyTorch.</summary>
    public IReadOnlyList<double>? ClassWeights { get; init; }

    /// <summary>Binary (K = 1) only: weight of positive pixels (PyTorch's <c>pos_weight</c>). Default 1.</summary>
    public double PositiveWeight { get; init; } = 1.0;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public CrossEntropyOptions Validate()
    {
        if (ClassWeights is not null)
        {
            for (int i = 0; i < ClassWeights.Count; i++)
            {
                if (ClassWeights[i] < 0 || !double.IsFinite(ClassWeights[i]))
                {
                    throw new ArgumentOutOfRangeException(nameof(ClassWeights), ClassWeights[i], $"Class weight {i} must be finite and non-negative, but was {ClassWeights[i]}.");
                }
            }
        }

        if (PositiveWeight <= 0 || !double.IsFinite(PositiveWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(PositiveWeight), PositiveWeight, $"PositiveWeight must be finite and positive, but was {PositiveWeight}.");
        }

        return this;
    }
}
