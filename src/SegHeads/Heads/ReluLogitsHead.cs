using System.Diagnostics.CodeAnalysis;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// Experiment only: another head followed by a ReLU on its logits. Negative logits become 0 and
/// receive no gradient, so classes can die; this exists to measure that pitfall against a linear
/// head, never to train a real model. State-dict keys: <c>inner.*</c>.
/// </summary>
public sealed class ReluLogitsHead : SegmentationHead
{
    private readonly SegmentationHead inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The head whose logits pass through the ReLU; owned by this head.</param>
    public ReluLogitsHead(SegmentationHead inner)
        : base(nameof(ReluLogitsHead), WithRelu(inner), inner.InChannels, inner.NumClasses)
    {
        this.inner = inner;
        RegisterComponents();
    }

    /// <summary>The wrapped head.</summary>
    public SegmentationHead Inner => inner;

    /// <inheritdoc />
    protected override Tensor ComputeLogits(Tensor features)
    {
        using Tensor logits = inner.forward(features);
        return nn.functional.relu(logits);
    }

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = null;
        reason = "a ReLU on the logits is not linear";
        return false;
    }

    private static HeadSpec WithRelu(SegmentationHead inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner.Spec with { ReluOnLogits = true };
    }
}
