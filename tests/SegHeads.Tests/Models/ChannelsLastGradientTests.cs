using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Models;

/// <summary>
/// Guards the layout that keeps float32 CPU gradients right. With libtorch 2.10 (oneDNN 3.7.1) on
/// this machine, a float32 NCHW conv whose reduced channel count is not a multiple of oneDNN's
/// block (16 with AVX-512) computes on a padded blocked copy and returns wrong values: conv input
/// gradients for fewer than 16 output channels (NaN in about half the calls), ConvTranspose2d
/// outputs for fewer than 16 input channels, and the forward output for e.g. 17 input channels.
/// Channels-last (NHWC) activations avoid that padded copy and give the right results, which is
/// why <see cref="SegmentationModel.forward"/> converts float32 CPU input with ChannelsLast.From.
/// float64 takes no oneDNN path, so a float64 copy is the reference.
/// </summary>
public sealed class ChannelsLastGradientTests
{
    [Theory]
    [InlineData("stacked-linear:3-3-1@8+bn")]
    [InlineData("activated:3-1@8+bn")]
    [InlineData("linear")]
    public void Backward_Float32Model_MatchesFloat64CopyForEveryParameter(string spec)
    {
        // Narrow widths (4, 8) on purpose: every conv and transposed conv has fewer than 16 channels.
        var options = new EncoderDecoderOptions { Depth = 2, BaseWidth = 4 };
        using SegmentationModel model32 = SegmentationModel.Create(spec, 3, options);
        using SegmentationModel model64 = SegmentationModel.Create(spec, 3, options);
        model64.load_state_dict(model32.state_dict());
        model64.to(float64);
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, 16, 16);
        Tensor masks = randint(0, 3, [2, 16, 16]);

        PixelCrossEntropy.Compute(model32.forward(images), masks, null).backward();
        PixelCrossEntropy.Compute(model64.forward(images.to(float64)), masks, null).backward();

        var reference = model64.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!);
        double scale = reference.Values.Max(g => TensorAssert.MaxAbs(g));
        foreach (var (name, parameter) in model32.named_parameters())
        {
            Tensor expected = reference[name];
            double tolerance = 1e-3 * Math.Max(TensorAssert.MaxAbs(expected), 1e-3 * scale);
            TensorAssert.MaxAbsDiff(parameter.grad!, expected).Should().BeLessThan(tolerance, $"the float32 gradient of {name} should match float64");
        }
    }

    [Theory]
    [InlineData(NormKind.None, ActivationKind.Relu)]
    [InlineData(NormKind.Group, ActivationKind.Relu)]
    [InlineData(NormKind.Batch, ActivationKind.None)]
    public void Backward_ChannelsLastFloat32ConvBlock_MatchesFloat64InputGradient(NormKind norm, ActivationKind activation)
    {
        using var block32 = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = norm, Activation = activation });
        using var block64 = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = norm, Activation = activation });
        block64.load_state_dict(block32.state_dict());
        block64.to(float64);
        using var scope = NewDisposeScope();
        Tensor x0 = randn(2, 2, 6, 6);
        Tensor g = randn(2, 4, 6, 6);
        Tensor x32 = x0.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2).requires_grad_();
        Tensor x64 = x0.to(float64).requires_grad_();

        (block32.forward(x32) * g).sum().backward();
        (block64.forward(x64) * g.to(float64)).sum().backward();

        TensorAssert.MaxAbsDiff(x32.grad!, x64.grad!).Should().BeLessThan(1e-4);
        TensorAssert.MaxAbsDiff(block32.Conv.weight!.grad!, block64.Conv.weight!.grad!).Should().BeLessThan(1e-4);
    }
}
