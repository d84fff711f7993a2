using System.Diagnostics.CodeAnalysis;
using SegHeads.Blocks;
using SegHeads.Reparam;

namespace SegHeads.Heads;

/// <summary>
/// A stack of convs with norm + ReLU after each hidden conv (torchvision's FCN head:
/// 3x3 conv → BN → ReLU → 1x1 conv). Not linear, so it never collapses.
/// </summary>
public sealed class ActivatedHead : ConvStackHead
{
    /// <summary>Creates the head.</summary>
    /// <param name="spec">An <see cref="HeadKind.Activated"/> spec without <c>relu-logits</c>.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The spec is of another kind.</exception>
    public ActivatedHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(ActivatedHead), Require(spec), inChannels, numClasses, ActivationKind.Relu)
    {
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        if (Spec.Kernels.Count == 1)
        {
            return TryCollapseLayers(out kernel, out reason);
        }

        kernel = null;
        reason = "an activated head applies ReLU between its convs, so it is not a linear map";
        return false;
    }

    private static HeadSpec Require(HeadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec is { Kind: HeadKind.Activated, ReluOnLogits: false }
            ? spec
            : throw new ArgumentException($"ActivatedHead needs an activated spec without relu-logits, but got '{spec}'.", nameof(spec));
    }
}
