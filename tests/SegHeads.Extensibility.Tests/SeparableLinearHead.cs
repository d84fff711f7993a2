using System.Diagnostics.CodeAnalysis;
using SegHeads.Heads;
using SegHeads.Reparam;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Extensibility.Tests;

/// <summary>
/// A head kind that SegHeads does not ship, defined as a user would: a depthwise k x k conv
/// followed by a 1x1 conv, no activation, so it is linear and collapses into one k x k conv.
/// Spec <c>separable-linear:k</c>.
/// </summary>
internal sealed class SeparableLinearHead : SegmentationHead
{
    public static readonly HeadKind Kind = new("separable-linear", "depthwise kxk then 1x1, no activation", (spec, c, k) => new SeparableLinearHead(spec, c, k))
    {
        Layers = HeadLayerSyntax.Kernels,
        DefaultLayers = "3",
        Examples = ["separable-linear:3", "separable-linear:5"],
        Validate = spec => spec.Layers.Count == 1 ? null : $"'separable-linear' takes one depthwise kernel size, but got {spec.Layers.Count} layers",
    };

    private readonly Conv2d depthwise;
    private readonly Conv2d pointwise;

    private SeparableLinearHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(SeparableLinearHead), spec, inChannels, numClasses)
    {
        int k = spec.Kernels[0];
        depthwise = nn.Conv2d(inChannels, inChannels, k, padding: k / 2, groups: inChannels);
        pointwise = nn.Conv2d(inChannels, numClasses, 1);
        RegisterComponents();
    }

    public override bool IsLinear => true;

    public override int ReceptiveRadius => Spec.Kernels[0] / 2;

    protected override Tensor ComputeLogits(Tensor features)
    {
        using Tensor hidden = depthwise.forward(features);
        return pointwise.forward(hidden);
    }

    public override bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();

        // A depthwise kernel is a dense one that is zero off the channel diagonal.
        Tensor w = depthwise.weight!;
        long c = w.shape[0];
        Tensor dense = zeros(c, c, w.shape[2], w.shape[3], dtype: w.dtype, device: w.device);
        for (long i = 0; i < c; i++)
        {
            dense[i, i] = w[i, 0];
        }

        using var first = new ConvKernel(dense, depthwise.bias, (int)(w.shape[2] / 2));
        using ConvKernel second = ConvKernel.FromConv(pointwise);
        kernel = KernelAlgebra.Compose(first, second);
        reason = null;
        return true;
    }
}
