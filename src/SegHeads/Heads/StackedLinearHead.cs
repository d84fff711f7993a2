using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SegHeads.Blocks;
using SegHeads.Reparam;

namespace SegHeads.Heads;

/// <summary>
/// A stack of convs with no activation, e.g. 3x3 → 3x3 → 1x1 (the spec's kernel list), optionally
/// with batch norm after each hidden conv. In eval mode it is one linear map, a single conv of
/// kernel <c>2R + 1</c> (<see cref="SegmentationHead.Collapse"/>), yet it trains differently
/// (Saxe et al. 2014; Arora et al. 2018; Guo et al., ExpandNets, 2020).
/// Spec <c>stacked-linear:3-3-1@64[+bn][+pad-once]</c>.
/// </summary>
public sealed class StackedLinearHead : ConvStackHead
{
    /// <summary>The <c>stacked-linear</c> kind.</summary>
    public static readonly HeadKind Kind = new("stacked-linear", "convs with no activation, one linear map in eval mode", (spec, c, k) => new StackedLinearHead(spec, c, k))
    {
        Layers = HeadLayerSyntax.Kernels,
        DefaultLayers = "3-3-1",
        Options = [HeadOption.BatchNorm, HeadOption.PadOnce, HeadOption.PadEach],
        Examples = ["stacked-linear:3-3-1@16", "stacked-linear:3-3-1@16+bn+pad-once", "stacked-linear:5"],
    };

    /// <summary>Creates the head.</summary>
    /// <param name="spec">A <c>stacked-linear</c> spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The spec is of another kind.</exception>
    public StackedLinearHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(StackedLinearHead), RequireKind(spec, Kind), inChannels, numClasses, ActivationKind.None)
    {
        RegisterComponents();
    }

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason) =>
        TryCollapseLayers(out kernel, out reason);

#pragma warning disable CA2255 // NOTE: registers this built-in kind when the library loads: an explicit call, no reflection scan.
    [ModuleInitializer]
    internal static void RegisterKind() => HeadRegistry.Register(Kind);
#pragma warning restore CA2255
}
