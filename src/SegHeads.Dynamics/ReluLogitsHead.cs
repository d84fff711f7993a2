using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SegHeads.Heads;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Dynamics;

/// <summary>
/// Experiment only: a linear head followed by a ReLU on its logits, a head kind that the
/// SegHeads.Dynamics package adds through the public <see cref="HeadRegistry"/>. Negative logits become 0 and
/// receive no gradient, so classes can die; this exists to measure that pitfall against a linear
/// head, never to train a real model. Spec <c>relu-logits:1</c> (a 1x1 conv) or
/// <c>relu-logits:3-3-1@16[+bn][+pad-once]</c> (a stacked linear head). State-dict keys: <c>inner.*</c>.
/// </summary>
public sealed class ReluLogitsHead : SegmentationHead
{
    /// <summary>The <c>relu-logits</c> kind.</summary>
    public static readonly HeadKind Kind = new("relu-logits", "experiment only: a linear or stacked linear head with a ReLU on its logits", Build)
    {
        Layers = HeadLayerSyntax.Kernels,
        DefaultLayers = "1",
        Options = [HeadOption.BatchNorm, HeadOption.PadOnce, HeadOption.PadEach],
        Examples = ["relu-logits:1", "relu-logits:3-3-1@16"],
    };

    private readonly SegmentationHead inner;

    private ReluLogitsHead(HeadSpec spec, SegmentationHead inner)
        : base(nameof(ReluLogitsHead), spec, inner.InChannels, inner.NumClasses)
    {
        this.inner = inner;
        RegisterComponents();
    }

    /// <summary>The wrapped head.</summary>
    public SegmentationHead Inner => inner;

    /// <inheritdoc />
    public override int ReceptiveRadius => inner.ReceptiveRadius;

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

    private static ReluLogitsHead Build(HeadSpec spec, int inChannels, int numClasses)
    {
        SegmentationHead inner = spec.Kernels is [1] && spec.Options.Count == 0
            ? new LinearHead(inChannels, numClasses)
            : new StackedLinearHead(HeadSpec.Create(StackedLinearHead.Kind, spec.Layers, spec.Width, spec.Options), inChannels, numClasses);
        return new ReluLogitsHead(spec, inner);
    }

#pragma warning disable CA2255 // NOTE: registers the kind when this assembly is first used; DynamicsHeads.Register() is the explicit call.
    [ModuleInitializer]
    internal static void RegisterKind() => HeadRegistry.Register(Kind);
#pragma warning restore CA2255
}
