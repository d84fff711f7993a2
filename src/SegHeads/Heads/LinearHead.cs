using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// The classic per-pixel classifier: one 1x1 conv, identical to a <c>Linear(C, K)</c> applied at
/// every pixel. Spec <c>linear</c>. State-dict keys: <c>classifier.weight</c> <c>[K, C, 1, 1]</c>,
/// <c>classifier.bias</c> <c>[K]</c>.
/// </summary>
public sealed class LinearHead : SegmentationHead
{
    /// <summary>The <c>linear</c> kind.</summary>
    public static readonly HeadKind Kind = new("linear", "one 1x1 conv, the per-pixel classifier", (spec, c, k) => new LinearHead(c, k))
    {
        Examples = ["linear"],
    };

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
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override int ReceptiveRadius => 0;

    /// <inheritdoc />
    protected override Tensor ComputeLogits(Tensor features) => classifier.forward(features);

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = ConvKernel.FromConv(classifier);
        reason = null;
        return true;
    }

#pragma warning disable CA2255 // NOTE: registers this built-in kind when the library loads: an explicit call, no reflection scan.
    [ModuleInitializer]
    internal static void RegisterKind() => HeadRegistry.Register(Kind);
#pragma warning restore CA2255
}
