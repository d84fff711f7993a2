namespace SegHeads.Blocks;

/// <summary>
/// Configuration of a <see cref="BranchedConv"/>: parallel linear conv branches (each optionally with
/// its own batch norm) on the same input, summed (ACNet, Ding et al. 2019; RepVGG, Ding et al. 2021).
/// </summary>
/// <param name="InChannels">Input channels C of <c>[N, C, H, W]</c>; 1 to 65536.</param>
/// <param name="OutChannels">Output channels K; 1 to 65536.</param>
/// <param name="Branches">Branch kernel shapes, e.g. 3x3, 1x3, 3x1, 1x1: non-empty, odd sides of 1 to 31, no duplicates.</param>
public sealed record BranchedConvOptions(int InChannels, int OutChannels, IReadOnlyList<KernelShape> Branches)
{
    /// <summary>The largest kernel side accepted.</summary>
    public const int MaxKernelSide = 31;

    /// <summary>The largest channel count accepted.</summary>
    public const int MaxChannels = 65536;

    /// <summary>Whether each branch has its own batch norm after its conv. Default <see langword="false"/>.</summary>
    public bool BatchNorm { get; init; }

    /// <summary>Whether each branch's conv has a bias. Default: only without batch norm (the norm's shift makes it redundant).</summary>
    public bool? Bias { get; init; }

    /// <summary>How the branches treat the border. Default <see cref="BranchedConvPadding.Same"/>.</summary>
    public BranchedConvPadding Padding { get; init; } = BranchedConvPadding.Same;

    /// <summary>Whether each branch's conv has a bias, after defaults.</summary>
    public bool EffectiveBias => Bias ?? !BatchNorm;

    /// <summary>The largest branch height Kh (0 when there are no branches).</summary>
    public int MaxKernelHeight => Branches is { Count: > 0 } ? Branches.Max(b => b.Height) : 0;

    /// <summary>The largest branch width Kw (0 when there are no branches).</summary>
    public int MaxKernelWidth => Branches is { Count: > 0 } ? Branches.Max(b => b.Width) : 0;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A channel count or kernel side is out of range or even, or the padding is unknown.</exception>
    /// <exception cref="ArgumentException">The branch list is null, empty or has a duplicate shape.</exception>
    public BranchedConvOptions Validate()
    {
        if (InChannels is <= 0 or > MaxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, $"InChannels must be between 1 and {MaxChannels}, but was {InChannels}.");
        }

        if (OutChannels is <= 0 or > MaxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(OutChannels), OutChannels, $"OutChannels must be between 1 and {MaxChannels}, but was {OutChannels}.");
        }

        if (Branches is null || Branches.Count == 0)
        {
            throw new ArgumentException("A branched conv needs at least one branch shape, but got none.", nameof(Branches));
        }

        var seen = new HashSet<KernelShape>();
        for (int i = 0; i < Branches.Count; i++)
        {
            KernelShape shape = Branches[i];
            if (!shape.IsOdd || shape.Height is < 1 or > MaxKernelSide || shape.Width is < 1 or > MaxKernelSide)
            {
                throw new ArgumentOutOfRangeException(nameof(Branches), shape,
                    $"Branch {i} must have odd sides between 1 and {MaxKernelSide}, but is {shape}.");
            }

            if (!seen.Add(shape))
            {
                throw new ArgumentException(
                    $"Branch {i} repeats the shape {shape}; two branches of one shape are one conv with the summed weights, so list each shape once.",
                    nameof(Branches));
            }
        }

        if (!Enum.IsDefined(Padding))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, $"Unknown padding {(int)Padding}; expected Same or Valid.");
        }

        return this;
    }

    /// <summary>Value equality, comparing the branch shapes element by element.</summary>
    /// <param name="other">The options to compare with.</param>
    public bool Equals(BranchedConvOptions? other) =>
        other is not null
        && InChannels == other.InChannels
        && OutChannels == other.OutChannels
        && BatchNorm == other.BatchNorm
        && Bias == other.Bias
        && Padding == other.Padding
        && (ReferenceEquals(Branches, other.Branches) || (Branches is not null && other.Branches is not null && Branches.SequenceEqual(other.Branches)));

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(InChannels);
        hash.Add(OutChannels);
        hash.Add(BatchNorm);
        hash.Add(Bias);
        hash.Add(Padding);
        foreach (KernelShape shape in Branches ?? [])
        {
            hash.Add(shape);
        }

        return hash.ToHashCode();
    }
}
