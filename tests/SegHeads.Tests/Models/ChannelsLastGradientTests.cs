using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
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

    [Theory]
    [InlineData("stacked-linear:3-3-1@8")]
    [InlineData("branched-linear:3x3,1x3,3x1-1@8")]
    [InlineData("activated:3-1@8+bn")]
    public void Backward_HeadCalledAloneOnNchwFloat32_MatchesFloat64InputGradient(string spec)
    {
        // The head converts NCHW input itself; repeated because the NCHW failure is intermittent.
        using SegmentationHead head32 = HeadFactory.Create(spec, 6, 3);
        using SegmentationHead head64 = HeadFactory.Create(spec, 6, 3);
        head64.load_state_dict(head32.state_dict());
        head64.to(float64);
        for (int repeat = 0; repeat < 6; repeat++)
        {
            using var scope = NewDisposeScope();
            Tensor x32 = randn(2, 6, 9, 9).requires_grad_();
            Tensor x64 = x32.detach().to(float64).requires_grad_();
            Tensor g = randn(2, 3, 9, 9);

            Tensor y32 = head32.forward(x32);
            (y32 * g).sum().backward();
            (head64.forward(x64) * g.to(float64)).sum().backward();

            y32.is_contiguous().Should().BeTrue("a head called on NCHW input returns NCHW logits");
            TensorAssert.MaxAbsDiff(x32.grad!, x64.grad!).Should().BeLessThan(1e-4, $"repeat {repeat}");
        }
    }

    [Fact]
    public void ForwardBackward_BackboneCalledAloneOnNchwFloat32_MatchesFloat64()
    {
        using var backbone32 = new EncoderDecoder(new EncoderDecoderOptions { Depth = 2, BaseWidth = 4 });
        using var backbone64 = new EncoderDecoder(new EncoderDecoderOptions { Depth = 2, BaseWidth = 4 });
        backbone64.load_state_dict(backbone32.state_dict());
        backbone64.to(float64);
        for (int repeat = 0; repeat < 4; repeat++)
        {
            using var scope = NewDisposeScope();
            Tensor x32 = randn(2, 3, 8, 8).requires_grad_();
            Tensor x64 = x32.detach().to(float64).requires_grad_();

            Tensor y32 = backbone32.forward(x32);
            Tensor y64 = backbone64.forward(x64);
            y32.sum().backward();
            y64.sum().backward();

            TensorAssert.MaxAbsDiff(y32, y64).Should().BeLessThan(1e-4, $"repeat {repeat}");
            TensorAssert.MaxAbsDiff(x32.grad!, x64.grad!).Should().BeLessThan(1e-4, $"repeat {repeat}");
        }
    }
}
