using SegHeads.Blocks;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Blocks;

public sealed class ConvBlockTests
{
    [Theory]
    [InlineData(NormKind.None, ActivationKind.None, new[] { "conv.weight", "conv.bias" })]
    [InlineData(NormKind.Batch, ActivationKind.Relu, new[] { "conv.weight", "norm.weight", "norm.bias", "norm.running_mean", "norm.running_var", "norm.num_batches_tracked" })]
    [InlineData(NormKind.Group, ActivationKind.Gelu, new[] { "conv.weight", "norm.weight", "norm.bias" })]
    public void StateDict_KeysFollowOptions(NormKind norm, ActivationKind activation, string[] keys)
    {
        using var block = new ConvBlock(new ConvBlockOptions(3, 8) { Norm = norm, Activation = activation });

        block.state_dict().Keys.Should().Equal(keys);
    }

    [Theory]
    [InlineData(3, null, 10)]
    [InlineData(3, 0, 8)]
    [InlineData(5, null, 10)]
    [InlineData(1, null, 10)]
    public void Forward_PaddingDecidesOutputSize(int kernel, int? padding, int expected)
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4, kernel) { Padding = padding });
        using Tensor x = randn(1, 2, 10, 10);

        using Tensor y = block.forward(x);

        y.shape.Should().Equal(1, 4, expected, expected);
    }

    [Fact]
    public void Forward_Relu_GivesNonNegativeOutput()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = NormKind.Batch, Activation = ActivationKind.Relu });
        using Tensor x = randn(2, 2, 6, 6);

        using Tensor y = block.forward(x);

        y.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public void IsAffine_BatchNormBlock_OnlyInEvalMode()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = NormKind.Batch });

        block.IsAffine.Should().BeFalse("batch norm in train mode uses batch statistics");
        block.eval();
        block.IsAffine.Should().BeTrue();
    }

    [Theory]
    [InlineData(0, 4, 3, "InChannels")]
    [InlineData(2, 0, 3, "OutChannels")]
    [InlineData(2, 4, 2, "KernelSize")]
    [InlineData(2, 4, -1, "KernelSize")]
    public void Create_BadOptions_ThrowsNamingTheValue(int inChannels, int outChannels, int kernel, string parameter)
    {
        Action create = () => _ = new ConvBlock(new ConvBlockOptions(inChannels, outChannels, kernel));

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void Create_GroupsNotDividingChannels_Throws()
    {
        Action create = () => _ = new ConvBlock(new ConvBlockOptions(2, 6) { Norm = NormKind.Group, NormGroups = 4 });

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*divide OutChannels = 6*4*");
    }

    [Fact]
    public void Forward_InputSmallerThanUnpaddedKernel_ThrowsWithShape()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4, 5) { Padding = 0 });
        using Tensor x = randn(1, 2, 3, 9);

        Action forward = () => block.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*at least 5*[1, 2, 3, 9]*");
    }

    [Fact]
    public void Create_GroupNorm_StartsAtIdentityAffineLikePyTorch()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 16) { Norm = NormKind.Group });
        var parameters = block.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        parameters["norm.weight"].eq(1).all().item<bool>().Should().BeTrue();
        parameters["norm.bias"].eq(0).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(NormKind.Batch)]
    [InlineData(NormKind.Group)]
    [InlineData(NormKind.None)]
    public void Backward_InPlaceRelu_MatchesOutOfPlaceReluExactly(NormKind norm)
    {
        // NOTE: float64 on purpose. In float32 NCHW with fewer than 16 conv output channels,
        // libtorch's oneDNN conv backward returns wrong input gradients on this machine (reads
        // uninitialised memory: NaN sometimes, and values that change with the thread count), so
        // two float32 passes can differ whatever the ReLU does. float64 takes no oneDNN path; the
        // in-place question is dtype-independent. See ChannelsLastGradientTests for float32.
        using var block = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = norm, Activation = ActivationKind.Relu });
        block.to(float64);
        using var scope = NewDisposeScope();
        Tensor x = randn(2, 2, 6, 6, dtype: float64).requires_grad_();
        Tensor y = block.forward(x);
        Tensor g = randn_like(y);
        (y * g).sum().backward();
        Tensor inPlaceInput = x.grad!.clone();
        Tensor inPlaceWeight = block.Conv.weight!.grad!.clone();
        x.grad!.zero_();
        block.Conv.weight!.grad!.zero_();

        // The same block by hand with an out-of-place ReLU (the norm runs on the same batch).
        Tensor z = block.Conv.forward(x);
        if (norm != NormKind.None)
        {
            z = ((nn.Module<Tensor, Tensor>)block.named_children().Single(c => c.name == "norm").module).forward(z);
        }

        z = nn.functional.relu(z);
        (z * g).sum().backward();

        TensorAssert.MaxAbsDiff(y, z).Should().Be(0);
        TensorAssert.MaxAbsDiff(inPlaceInput, x.grad!).Should().Be(0);
        TensorAssert.MaxAbsDiff(inPlaceWeight, block.Conv.weight!.grad!).Should().Be(0);
    }
}
