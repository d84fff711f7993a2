using SegHeads.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Backbones;

public sealed class EncoderDecoderTests
{
    [Theory]
    [InlineData(1, 8, 16)]
    [InlineData(2, 8, 16)]
    [InlineData(3, 16, 32)]
    [InlineData(4, 4, 16)]
    public void Forward_GivesFullResolutionFeatures(int depth, int width, int size)
    {
        using var backbone = new EncoderDecoder(new EncoderDecoderOptions { Depth = depth, BaseWidth = width, InChannels = 2 });
        using Tensor x = randn(2, 2, size, size);

        using Tensor y = backbone.forward(x);

        y.shape.Should().Equal(2, width, size, size);
        backbone.OutChannels.Should().Be(width);
        backbone.OutputStride.Should().Be(1);
        backbone.SizeDivisor.Should().Be(1 << (depth - 1));
    }

    [Fact]
    public void Forward_SizeNotMultipleOfDivisor_ThrowsNamingDivisorAndShape()
    {
        using var backbone = new EncoderDecoder(new EncoderDecoderOptions { Depth = 3, BaseWidth = 4 });
        using Tensor x = randn(1, 3, 30, 32);

        Action forward = () => backbone.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*multiples of 4*[1, 3, 30, 32]*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public void Create_DepthOutOfRange_Throws(int depth)
    {
        Action create = () => _ = new EncoderDecoder(new EncoderDecoderOptions { Depth = depth });

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{depth}*");
    }

    [Fact]
    public void Clone_CopiesParametersBuffersAndMode()
    {
        using var backbone = new EncoderDecoder(new EncoderDecoderOptions { Depth = 2, BaseWidth = 4 });
        using (var scope = NewDisposeScope())
        {
            backbone.train();
            backbone.forward(randn(4, 3, 8, 8)); // moves the batch-norm running statistics off their defaults
        }

        backbone.eval();
        using Backbone clone = backbone.Clone();
        using Tensor x = randn(1, 3, 8, 8);

        using Tensor a = backbone.forward(x);
        using Tensor b = clone.forward(x);

        clone.training.Should().BeFalse();
        a.allclose(b, rtol: 0, atol: 0).Should().BeTrue();
        clone.parameters().First().Handle.Should().NotBe(backbone.parameters().First().Handle);
    }

    [Theory]
    [InlineData(100_000, 3)]
    [InlineData(2048, 4)]
    public void Options_HugeWidth_ThrowBeforeAllocatingWithTheComputedWidth(int baseWidth, int depth)
    {
        Action create = () => new EncoderDecoderOptions { BaseWidth = baseWidth, Depth = depth }.Validate();

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*at most {EncoderDecoderOptions.MaxChannels}*{(long)baseWidth << (depth - 1)}*");
    }
}
