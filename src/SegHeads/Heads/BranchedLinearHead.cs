using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using SegHeads.Blocks;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// A stack of <see cref="BranchedConv"/> layers with no activation: each layer sums parallel
/// linear branches, by default <c>k×k + 1×k + k×1 + 1×1</c> for a bare size <c>k &gt; 1</c>
/// (ACNet's asymmetric branches, Ding et al. 2019, plus RepVGG's 1x1, Ding et al. 2021), with an
/// optional batch norm per branch on hidden layers. In eval mode it is one linear map: each layer
/// fuses into one conv (fold each branch's norm, centre-pad and add), and the layers compose into a
/// single <c>(2R + 1)²</c> conv. The sum inside a layer is exact at every pixel, because every branch
/// sees the same zero-padded input; across layers the border rule of stacked heads applies: pad-once
/// is exact everywhere, pad-each away from a ring of width <c>R − r1</c>.
/// Spec <c>branched-linear:3-3-1@64[+bn][+pad-once]</c>, or explicit branches such as
/// <c>branched-linear:3x3,1x3,3x1-1@16</c>.
/// State-dict keys: <c>layers.{i}.branches.{j}.conv.*</c>, <c>layers.{i}.branches.{j}.norm.*</c>.
/// </summary>
public sealed class BranchedLinearHead : SegmentationHead
{
    /// <summary>The <c>branched-linear</c> kind.</summary>
    public static readonly HeadKind Kind = new("branched-linear", "parallel linear branches summed per layer (ACNet/RepVGG), one linear map in eval mode", (spec, c, k) => new BranchedLinearHead(spec, c, k))
    {
        Layers = HeadLayerSyntax.Branches,
        DefaultLayers = "3-3-1",
        Shorthand = DefaultBranches,
        Options = [HeadOption.BatchNorm, HeadOption.PadOnce, HeadOption.PadEach],
        Examples = ["branched-linear:3-3-1@16", "branched-linear:3-3-1@16+bn+pad-once", "branched-linear:5x5,1x5,5x1-1@8+bn"],
    };

    private readonly ModuleList<BranchedConv> layers;

    /// <summary>Creates the head.</summary>
    /// <param name="spec">A <c>branched-linear</c> spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The spec is of another kind.</exception>
    public BranchedLinearHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(BranchedLinearHead), RequireKind(spec), inChannels, numClasses)
    {
        layers = new ModuleList<BranchedConv>();
        int channels = inChannels;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            bool last = i == spec.Layers.Count - 1;
            int outChannels = last ? numClasses : spec.Width;
            layers.Add(new BranchedConv(new BranchedConvOptions(channels, outChannels, spec.Layers[i].Branches)
            {
                BatchNorm = !last && spec.Norm == NormKind.Batch,
                Padding = spec.Padding == HeadPadding.PadOnce ? BranchedConvPadding.Valid : BranchedConvPadding.Same,
            }));
            channels = outChannels;
        }

        RadiusHeight = spec.Layers.Sum(l => l.Height / 2);
        RadiusWidth = spec.Layers.Sum(l => l.Width / 2);
        RegisterComponents();
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<BranchedConv> Layers => layers.ToList();

    /// <inheritdoc />
    public override bool IsLinear => true;

    /// <inheritdoc />
    public override int ReceptiveRadius => Math.Max(RadiusHeight, RadiusWidth);

    private int RadiusHeight { get; }

    private int RadiusWidth { get; }

    /// <inheritdoc />
    protected override Tensor ComputeLogits(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor x = features;
        if (Spec.Padding == HeadPadding.PadOnce && (RadiusHeight > 0 || RadiusWidth > 0))
        {
            x = nn.functional.pad(x, [RadiusWidth, RadiusWidth, RadiusHeight, RadiusHeight]);
        }

        foreach (BranchedConv layer in layers)
        {
            x = layer.forward(x);
        }

        return scope.MoveToOuter(x);
    }

    /// <inheritdoc />
    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = null;
        ConvKernel? total = null;
        try
        {
            for (int i = 0; i < layers.Count; i++)
            {
                if (!layers[i].TryFuse(out ConvKernel? step, out string? why))
                {
                    reason = $"layer {i}: {why}";
                    return false;
                }

                if (total is null)
                {
                    total = step;
                    continue;
                }

                ConvKernel next = KernelAlgebra.Compose(total, step);
                total.Dispose();
                step.Dispose();
                total = next;
            }

            // NOTE: pad-once layers compose with padding 0 and the head pads (Rh, Rw) up front;
            // pad-each layers sum to the same padding. Either way the square (2R + 1)² form adds only zero taps.
            int size = (2 * ReceptiveRadius) + 1;
            using ConvKernel padded = total!.WithPadding(RadiusHeight, RadiusWidth);
            kernel = KernelAlgebra.PadTo(padded, size, size);
            reason = null;
            return true;
        }
        finally
        {
            total?.Dispose();
        }
    }

    /// <summary>The branches a bare size stands for: <c>k×k, 1×k, k×1, 1×1</c>, or just <c>1×1</c> for k = 1.</summary>
    private static IReadOnlyList<KernelShape> DefaultBranches(int size) =>
        size == 1 ? [KernelShape.Square(1)] : [KernelShape.Square(size), new(1, size), new(size, 1), KernelShape.Square(1)];

    private static HeadSpec RequireKind(HeadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind == Kind ? spec : throw new ArgumentException($"This head needs a '{Kind.Name}' spec, but got '{spec}'.", nameof(spec));
    }

#pragma warning disable CA2255 // NOTE: registers this built-in kind when the library loads: an explicit call, no reflection scan.
    [ModuleInitializer]
    internal static void RegisterKind() => HeadRegistry.Register(Kind);
#pragma warning restore CA2255
}
