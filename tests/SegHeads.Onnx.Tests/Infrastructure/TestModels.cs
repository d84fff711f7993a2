using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests.Infrastructure;

internal static class TestModels
{
    /// <summary>The default UNet at small widths (4-8-16, divisor 4), fast enough for a theory over every head.</summary>
    public static readonly EncoderDecoderOptions SmallBackbone = new() { BaseWidth = 4, Depth = 3 };

    public static SegmentationModel Create(string headSpec, int numClasses = 3, SizePolicy sizePolicy = SizePolicy.Strict, NormKind norm = NormKind.Batch)
    {
        SegmentationModel model = SegmentationModel.Create(headSpec, numClasses, SmallBackbone with { Norm = norm }, sizePolicy);
        Randomize(model);
        model.eval();
        return model;
    }

    /// <summary>
    /// Gives every norm non-trivial statistics and affine parameters: with the fresh mean 0, var 1,
    /// γ 1, β 0 a wrong fold or a missing per-channel affine would go unnoticed.
    /// </summary>
    public static void Randomize(nn.Module model)
    {
        using var noGrad = no_grad();
        foreach (nn.Module module in model.modules())
        {
            switch (module)
            {
                case BatchNorm2d bn:
                    bn.running_mean!.normal_(0, 0.5);
                    bn.running_var!.uniform_(0.5, 2.0);
                    bn.weight!.uniform_(0.5, 1.5);
                    bn.bias!.normal_(0, 0.3);
                    break;
                case GroupNorm gn:
                    gn.weight!.uniform_(0.5, 1.5);
                    gn.bias!.normal_(0, 0.3);
                    break;
            }
        }
    }

    /// <summary>SegHeads' eval forward, the reference.</summary>
    public static Tensor Reference(SegmentationModel model, Tensor images)
    {
        using var noGrad = no_grad();
        return model.forward(images);
    }

    /// <summary>Max |actual − expected| relative to max |expected|.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        actual.shape.Should().Equal(expected.shape);
        using var scope = NewDisposeScope();
        double error = (actual - expected).abs().max().item<float>();
        double scale = Math.Max(expected.abs().max().item<float>(), 1e-6);
        return error / scale;
    }
}
