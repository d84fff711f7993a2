namespace SegHeads.Training;

/// <summary>Configuration of <see cref="FocalLoss"/>; names and defaults follow segmentation_models.pytorch's <c>FocalLoss</c>.</summary>
public sealed record FocalOptions
{
    /// <summary>Mask value of pixels that count nowhere (removed before the loss, as smp does). Default -100 (as <see cref="CrossEntropyOptions"/>).</summary>
    public long IgnoreIndex { get; init; } = -100;

    /// <summary>Focusing exponent γ of <c>(1 − p_t)^γ</c> (Lin et al. 2017). Default 2; 0 gives the binary cross-entropy.</summary>
    public double Gamma { get; init; } = 2.0;

    /// <summary>
    /// Balance α in [0, 1]: positives are weighted <c>α</c>, negatives <c>1 − α</c>; <see langword="null"/>
    /// (default, as smp's <c>FocalLoss</c>) for no weighting.
    /// </summary>
    public double? Alpha { get; init; }

    /// <summary>Normalized focal loss (Sun et al. 2019, arXiv:1909.07829): divide by <c>max(Σ (1 − p_t)^γ, 1e-6)</c>. Default false.</summary>
    public bool Normalized { get; init; }

    /// <summary>
    /// Reduced focal loss (Sergievskiy and Ponamarev 2019, arXiv:1903.01347): the focal term is
    /// <c>((1 − p_t) / threshold)^γ</c>, and 1 where <c>p_t &lt; threshold</c>. <see langword="null"/> (default) for the plain focal term.
    /// </summary>
    public double? ReducedThreshold { get; init; }

    /// <summary>Mean (default) or sum over counted pixels.</summary>
    public FocalReduction Reduction { get; init; } = FocalReduction.Mean;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Gamma is negative or not finite, Alpha is outside [0, 1], ReducedThreshold is outside (0, 1], or Reduction is undefined.</exception>
    public FocalOptions Validate()
    {
        if (!(Gamma >= 0) || double.IsInfinity(Gamma))
        {
            throw new ArgumentOutOfRangeException(nameof(Gamma), Gamma, $"Gamma must be finite and non-negative, but was {Gamma}.");
        }

        if (Alpha is double alpha && !(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), alpha, $"Alpha must be in [0, 1], but was {alpha}.");
        }

        if (ReducedThreshold is double threshold && !(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(ReducedThreshold), threshold, $"ReducedThreshold must be in (0, 1], but was {threshold}.");
        }

        if (!Enum.IsDefined(Reduction))
        {
            throw new ArgumentOutOfRangeException(nameof(Reduction), Reduction, $"Unknown reduction {(int)Reduction}.");
        }

        return this;
    }
}
