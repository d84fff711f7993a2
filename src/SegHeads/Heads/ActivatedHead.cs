using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SegHeads.Blocks;
using SegHeads.Reparam;

namespace SegHeads.Heads;

/// <summary>
/// A stack of convs with norm + ReLU after each hidden conv (torchvision's FCN head:
/// 3x3 conv → BN → ReLU → 1x1 conv). Not linear, so it collapses only when it has one conv.
/// Spec <c>activated:3-3-1@64[+bn|+gn][+pad-once]</c>.
/// </summary>
public sealed class ActivatedHead : ConvStackHead
{
    /// <summary>The <c>activated</c> kind.</summary>
    public static readonly HeadKind Kind = new("activated", "convs with norm + ReLU between them (FCN head)", (spec, c, k) => new ActivatedHead(spec, c, k))
    {
        Layers = HeadLayerSyntax.Kernels,
        DefaultLayers = "3-3-1",
        Options = [HeadOption.BatchNorm, HeadOption.GroupNorm, HeadOption.PadOnce, HeadOption.PadEach],
        Examples = ["activated:3-3-1@16+bn", "activated:3-1@16+gn+pad-once"],
    };

    /// <summary>Creates the head.</summary>
    /// <param name="spec">An <c>activated</c> spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The spec is of another kind.</exception>
    public ActivatedHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(ActivatedHead), RequireKind(spec, Kind), inChannels, numClasses, ActivationKind.Relu)
    {
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool IsLinear => Layers.Count == 1;

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        if (Layers.Count == 1)
        {
            return TryCollapseLayers(out kernel, out reason);
        }

        kernel = null;
        reason = "an activated head applies ReLU between its convs, so it is not a linear map";
        return false;
    }

#pragma warning disable CA2255 // NOTE: registers this built-in kind when the library loads: an explicit call, no reflection scan.
    [ModuleInitializer]
    internal static void RegisterKind() => HeadRegistry.Register(Kind);
#pragma warning restore CA2255
}
