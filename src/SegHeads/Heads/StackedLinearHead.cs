using System.Diagnostics.CodeAnalysis;
using SegHeads.Blocks;
using SegHeads.Reparam;

namespace SegHeads.Heads;

/// <summary>
/// A stack of convs with no activation, e.g. 3x3 → 3x3 → 1x1 (the spec's kernel list), optionally
/// with batch norm after each hidden conv. In eval mode it is one linear map, a single conv of
/// kernel <c>2R + 1</c> (<see cref="SegmentationHead.Collapse"/>), yet it trains differently
/// (Saxe et al. 2014; Arora et al. 2018; Guo et al., ExpandNets, 2020).
/// </summary>
public sealed class StackedLinearHead : ConvStackHead
{
    /// <summary>Creates the head.</summary>
    /// <param name="spec">A <see cref="HeadKind.StackedLinear"/> spec without <c>relu-logits</c>.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The spec is of another kind.</exception>
    public StackedLinearHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(StackedLinearHead), Require(spec), inChannels, numClasses, ActivationKind.None)
    {
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason) =>
        TryCollapseLayers(out kernel, out reason);

    private static HeadSpec Require(HeadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec is { Kind: HeadKind.StackedLinear, ReluOnLogits: false }
            ? spec
            : throw new ArgumentException($"StackedLinearHead needs a stacked-linear spec without relu-logits, but got '{spec}'.", nameof(spec));
    }
}
