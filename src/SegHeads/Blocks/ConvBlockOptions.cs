namespace SegHeads.Blocks;

/// <summary>Configuration of a <see cref="ConvBlock"/>: conv → optional norm → optional activation.</summary>
/// <param name="InChannels">Input channels C of <c>[N, C, H, W]</c>.</param>
/// <param name="OutChannels">Output channels.</param>
/// <param name="KernelSize">Square kernel size; odd, so that <c>padding = k / 2</c> keeps the size.</param>
public sealed record ConvBlockOptions(int InChannels, int OutChannels, int KernelSize = 3)
{
    /// <summary>Zero padding on each side. Default <c>KernelSize / 2</c> ("same"); 0 for pad-once stacks.</summary>
    public int? Padding { get; init; }

    /// <summary>Normalisation after the conv. Default <see cref="NormKind.None"/>.</summary>
    public NormKind Norm { get; init; } = NormKind.None;

    /// <summary>Activation last. Default <see cref="ActivationKind.None"/>.</summary>
    public ActivationKind Activation { get; init; } = ActivationKind.None;

    /// <summary>Groups for <see cref="NormKind.Group"/>; must divide <see cref="OutChannels"/>. Default 8 (or fewer to divide).</summary>
    public int? NormGroups { get; init; }

    /// <summary>Whether the conv has a bias. Default: only when there is no norm (a norm's shift makes it redundant).</summary>
    public bool? Bias { get; init; }

    /// <summary>The padding in effect.</summary>
    public int EffectivePadding => Padding ?? (KernelSize / 2);

    /// <summary>Whether the conv has a bias, after defaults.</summary>
    public bool EffectiveBias => Bias ?? (Norm == NormKind.None);

    /// <summary>The number of groups for group norm, after defaults.</summary>
    public int EffectiveNormGroups
    {
        get
        {
            if (NormGroups is int g)
            {
                return g;
            }

            int groups = Math.Min(8, OutChannels);
            while (OutChannels % groups != 0)
            {
                groups--;
            }

            return groups;
        }
    }

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the kernel is even, or the groups do not divide the channels.</exception>
    public ConvBlockOptions Validate()
    {
        if (InChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, $"InChannels must be positive, but was {InChannels}.");
        }

        if (OutChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(OutChannels), OutChannels, $"OutChannels must be positive, but was {OutChannels}.");
        }

        if (KernelSize <= 0 || KernelSize % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(KernelSize), KernelSize, $"KernelSize must be a positive odd number, but was {KernelSize}.");
        }

        if (EffectivePadding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, $"Padding must be non-negative, but was {Padding}.");
        }

        if (Norm == NormKind.Group && (EffectiveNormGroups <= 0 || OutChannels % EffectiveNormGroups != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(NormGroups), NormGroups,
                $"NormGroups must be positive and divide OutChannels = {OutChannels}, but was {EffectiveNormGroups}.");
        }

        if (!Enum.IsDefined(Norm))
        {
            throw new ArgumentOutOfRangeException(nameof(Norm), Norm, $"Unknown norm kind {(int)Norm}.");
        }

        if (!Enum.IsDefined(Activation))
        {
            throw new ArgumentOutOfRangeException(nameof(Activation), Activation, $"Unknown activation kind {(int)Activation}.");
        }

        return this;
    }
}
