using System.Diagnostics.CodeAnalysis;
using SegHeads.Blocks;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// A stack of <see cref="ConvBlock"/>s, one per kernel of the spec: hidden blocks have
/// <see cref="HeadSpec.Width"/> channels and the spec's norm; the last is a plain conv with bias to K
/// classes. Padding follows <see cref="HeadSpec.Padding"/>. State-dict keys:
/// <c>layers.{i}.conv.weight</c>, <c>layers.{i}.conv.bias</c>, <c>layers.{i}.norm.*</c>.
/// </summary>
public abstract class ConvStackHead : SegmentationHead
{
    private readonly ModuleList<ConvBlock> layers;

    /// <summary>Builds the layers; the derived class calls <c>RegisterComponents()</c>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="spec">The spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <param name="hiddenActivation">Activation after each hidden block.</param>
    private protected ConvStackHead(string name, HeadSpec spec, int inChannels, int numClasses, ActivationKind hiddenActivation)
        : base(name, spec, inChannels, numClasses)
    {
        layers = new ModuleList<ConvBlock>();
        IReadOnlyList<int> kernels = spec.Kernels;
        ReceptiveRadius = spec.Layers.Sum(l => l.Radius);
        int channels = inChannels;
        for (int i = 0; i < kernels.Count; i++)
        {
            bool last = i == kernels.Count - 1;
            var options = new ConvBlockOptions(channels, last ? numClasses : spec.Width, kernels[i])
            {
                Padding = spec.Padding == HeadPadding.PadOnce ? 0 : kernels[i] / 2,
                Norm = last ? NormKind.None : spec.Norm,
                Activation = last ? ActivationKind.None : hiddenActivation,
            };
            layers.Add(new ConvBlock(options));
            channels = options.OutChannels;
        }
    }

    /// <inheritdoc />
    public override int ReceptiveRadius { get; }

    /// <summary>The blocks, first to last.</summary>
    public IReadOnlyList<ConvBlock> Layers => layers.ToList();

    /// <inheritdoc />
    protected override Tensor ComputeLogits(Tensor features)
    {
        using var scope = NewDisposeScope();
        Tensor x = features;
        int r = ReceptiveRadius;
        if (Spec.Padding == HeadPadding.PadOnce && r > 0)
        {
            x = nn.functional.pad(x, [r, r, r, r]);
        }

        foreach (ConvBlock layer in layers)
        {
            x = layer.forward(x);
        }

        return scope.MoveToOuter(x);
    }

    /// <summary>Returns <paramref name="spec"/> when it is of <paramref name="kind"/>, else throws naming both.</summary>
    private protected static HeadSpec RequireKind(HeadSpec spec, HeadKind kind)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Kind == kind
            ? spec
            : throw new ArgumentException($"This head needs a '{kind.Name}' spec, but got '{spec}'.", nameof(spec));
    }

    /// <summary>Collapses the affine blocks; derived classes decide whether the head is affine.</summary>
    private protected bool TryCollapseLayers([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = null;
        foreach (ConvBlock layer in layers)
        {
            if (layer.Options.Activation != ActivationKind.None)
            {
                reason = $"layer {layers.IndexOf(layer)} applies {layer.Options.Activation}, a nonlinearity";
                return false;
            }

            if (layer.Options.Norm == NormKind.Group)
            {
                reason = $"layer {layers.IndexOf(layer)} applies group norm, which uses per-sample statistics";
                return false;
            }

            if (layer.BatchNorm is { running_mean: null })
            {
                reason = $"layer {layers.IndexOf(layer)}'s batch norm tracks no running statistics";
                return false;
            }
        }

        ConvKernel? total = null;
        foreach (ConvBlock layer in layers)
        {
            ConvKernel step = ConvKernel.FromConv(layer.Conv);
            if (layer.BatchNorm is BatchNorm2d bn)
            {
                ConvKernel folded = KernelAlgebra.FoldBatchNorm(step, bn);
                step.Dispose();
                step = folded;
            }

            if (total is null)
            {
                total = step;
            }
            else
            {
                ConvKernel next = KernelAlgebra.Compose(total, step);
                total.Dispose();
                step.Dispose();
                total = next;
            }
        }

        // NOTE: padding R is exact for pad-once; for pad-each it reproduces the interior only.
        kernel = total!.WithPadding(ReceptiveRadius);
        total.Dispose();
        reason = null;
        return true;
    }
}
