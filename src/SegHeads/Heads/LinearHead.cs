using System.Diagnostics.CodeAnalysis;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// The classic per-pixel classifier: one 1x1 conv, identical to a <c>Linear(C, K)</c> applied at
/// every pixel. State-dict keys: <c>classifier.weight</c> <c>[K, C, 1, 1]</c>, <c>classifier.bias</c> <c>[K]</c>.
/// </summary>
public sealed class LinearHead : SegmentationHead
{
    private readonly Conv2d classifier;

    /// <summary>Creates the head.</summary>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    public LinearHead(int inChannels, int numClasses)
        : base(nameof(LinearHead), HeadSpec.Linear(), inChannels, numClasses)
    {
        classifier = nn.Conv2d(inChannels, numClasses, 1);
        RegisterComponents();
    }

    /// <summary>The 1x1 conv.</summary>
    public Conv2d Classifier => classifier;

    /// <inheritdoc />
    protected override Tensor ComputeLogits(Tensor features) => classifier.forward(features);

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = ConvKernel.FromConv(classifier);
        reason = null;
        return true;
    }
}
