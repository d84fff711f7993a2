namespace SegHeads.Training;

/// <summary>Configuration of <see cref="DiceLoss"/>; names and defaults follow segmentation_models.pytorch's <c>DiceLoss</c>.</summary>
public sealed record DiceOptions
{
    /// <summary>Mask value of pixels that count nowhere: neither in the prediction nor in the target sums. Default -100 (as <see cref="CrossEntropyOptions"/>).</summary>
    public long IgnoreIndex { get; init; } = -100;

    /// <summary>Added to numerator and denominator of the Dice score, <c>(2·I + smooth) / (|P| + |T| + smooth)</c>. Default 0 (smp's default).</summary>
    public double Smooth { get; init; }

    /// <summary>Lower bound of the denominator (and, with <see cref="LogLoss"/>, of the score before the log). Default 1e-7 (smp's default).</summary>
    public double Epsilon { get; init; } = 1e-7;

    /// <summary><see langword="true"/>: the loss per class is <c>−log(score)</c>; <see langword="false"/> (default): <c>1 − score</c>.</summary>
    public bool LogLoss { get; init; }

    /// <summary>
    /// <see langword="true"/> (default): the input holds logits, turned into probabilities by softmax
    /// over dim 1 (sigmoid when K = 1). <see langword="false"/>: the input already holds probabilities <c>[N, K, H, W]</c>.
    /// </summary>
    public bool FromLogits { get; init; } = true;

    /// <summary>
    /// The classes whose loss enters the mean (K ≥ 2 only), or <see langword="null"/> (default) for
    /// all. Leaving a class out excludes it: the mean is over this list only.
    /// </summary>
    public IReadOnlyList<int>? Classes { get; init; }

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Smooth is negative or not finite, Epsilon is not positive, or a class is negative.</exception>
    /// <exception cref="ArgumentException">Classes is empty or lists a class twice.</exception>
    public DiceOptions Validate()
    {
        if (!(Smooth >= 0) || double.IsInfinity(Smooth))
        {
            throw new ArgumentOutOfRangeException(nameof(Smooth), Smooth, $"Smooth must be finite and non-negative, but was {Smooth}.");
        }

        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
        {
            throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, $"Epsilon must be finite and positive, but was {Epsilon}.");
        }

        if (Classes is not null)
        {
            if (Classes.Count == 0)
            {
                throw new ArgumentException("Classes must list at least one class, or be null for all classes.", nameof(Classes));
            }

            foreach (int c in Classes)
            {
                if (c < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(Classes), c, $"Classes must be non-negative, but lists {c}.");
                }
            }

            int duplicate = Classes.GroupBy(c => c).Where(g => g.Count() > 1).Select(g => g.Key).DefaultIfEmpty(-1).First();
            if (duplicate >= 0)
            {
                throw new ArgumentException($"Classes lists class {duplicate} more than once.", nameof(Classes));
            }
        }

        return this;
    }
}
