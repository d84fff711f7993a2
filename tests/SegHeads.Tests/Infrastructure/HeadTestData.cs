using SegHeads.Blocks;
using SegHeads.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Infrastructure;

internal static class HeadTestData
{
    /// <summary>Gives every batch norm of a module random affine parameters and running statistics, so folding is exercised.</summary>
    public static void RandomizeBatchNorms(nn.Module module, Generator generator)
    {
        using var noGrad = no_grad();
        foreach (var (_, child) in module.named_modules())
        {
            if (child is TorchSharp.Modules.BatchNorm2d bn)
            {
                long c = bn.running_mean!.shape[0];
                bn.weight!.copy_(rand(c, generator: generator) + 0.5);
                bn.bias!.copy_(randn(c, generator: generator));
                bn.running_mean.copy_(randn(c, generator: generator));
                bn.running_var!.copy_(rand(c, generator: generator) + 0.5);
            }
        }
    }

    /// <summary>A boolean mask <c>[1, 1, H, W]</c> of pixels at least <paramref name="distance"/> from every border.</summary>
    public static Tensor Interior(long h, long w, int distance)
    {
        Tensor mask = zeros(1, 1, h, w, dtype: ScalarType.Bool);
        if (h > 2 * distance && w > 2 * distance)
        {
            mask[.., .., TensorIndex.Slice(distance, h - distance), TensorIndex.Slice(distance, w - distance)] = true;
        }

        return mask;
    }

    public static SegmentationHead Build(HeadSpec spec, int inChannels, int numClasses, ScalarType dtype)
    {
        SegmentationHead head = HeadFactory.Create(spec, inChannels, numClasses);
        head.to(dtype);
        return head;
    }

    public static NormKind[] Norms => [NormKind.None, NormKind.Batch];
}
