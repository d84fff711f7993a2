using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Blocks;

/// <summary>The fuse protocol: blocks fold their batch norms in place, and ToDeployed fuses a whole model.</summary>
[Trait("Category", "Equivalence")]
public sealed class FusionTests
{
    [Theory]
    [InlineData(ActivationKind.None, 3)]
    [InlineData(ActivationKind.Relu, 3)]
    [InlineData(ActivationKind.None, 1)]
    public void Fuse_BatchNormBlock_KeepsEvalOutputInFloat64AndDropsTheNorm(ActivationKind activation, int kernel)
    {
        using var block = new ConvBlock(new ConvBlockOptions(3, 5, kernel) { Norm = NormKind.Batch, Activation = activation });
        block.to(float64);
        HeadTestData.RandomizeBatchNorms(block, new Generator(11));
        block.eval();
        using Tensor x = randn([2, 3, 7, 6], dtype: float64);
        using Tensor expected = block.forward(x);

        block.Fuse();
        using Tensor actual = block.forward(x);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
        block.IsFused.Should().BeTrue();
        block.BatchNorm.Should().BeNull();
        block.Options.Norm.Should().Be(NormKind.None);
        block.state_dict().Keys.Should().Equal("conv.weight", "conv.bias");
    }

    [Fact]
    public void Fuse_Twice_ChangesNothingMore()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = NormKind.Batch });
        HeadTestData.RandomizeBatchNorms(block, new Generator(2));
        block.eval();
        block.Fuse();
        using Tensor before = block.Conv.weight!.clone();

        block.Fuse();

        block.Conv.weight!.equal(before).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Fuse_GroupNormBlock_IsLeftAlone()
    {
        using var block = new ConvBlock(new ConvBlockOptions(2, 4) { Norm = NormKind.Group });

        block.IsFused.Should().BeTrue();
        Fusion.FuseAll(block).Should().Be(0);
        block.state_dict().Keys.Should().Contain("norm.weight");
    }

    [Fact]
    public void FuseAll_Backbone_LeavesNoBatchNormAndKeepsEvalOutput()
    {
        using var backbone = new EncoderDecoder(new EncoderDecoderOptions { Depth = 3, BaseWidth = 4 });
        backbone.to(float64);
        HeadTestData.RandomizeBatchNorms(backbone, new Generator(4));
        backbone.eval();
        using Tensor x = randn([1, 3, 16, 12], dtype: float64);
        using Tensor expected = backbone.forward(x);

        int fused = Fusion.FuseAll(backbone);
        using Tensor actual = backbone.forward(x);

        fused.Should().Be(10, "a depth-3 UNet has two conv blocks per encoder and decoder level");
        Fusion.BatchNormPaths(backbone).Should().BeEmpty();
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10 * Math.Max(1, TensorAssert.MaxAbs(expected)));
    }

    public static TheoryData<string> ExactSpecs()
    {
        var data = new TheoryData<string>();
        foreach (HeadSpec spec in HeadRegistry.Examples.Where(s => s.Padding == HeadPadding.PadOnce || s.Kernels is [_]))
        {
            data.Add(spec.ToString());
        }

        data.Add("activated:3-3-1@8+bn");
        return data;
    }

    [Theory]
    [MemberData(nameof(ExactSpecs))]
    public void ToDeployed_AnyExactHead_NoBatchNormAndEqualsEvalForwardInBothPrecisions(string spec)
    {
        foreach ((ScalarType dtype, double tolerance) in new[] { (float64, 1e-10), (float32, 1e-5) })
        {
            using SegmentationModel model = SegmentationModel.Create(spec, 3, new EncoderDecoderOptions { Depth = 2, BaseWidth = 6 });
            model.to(dtype);
            HeadTestData.RandomizeBatchNorms(model, new Generator(8));
            model.eval();
            using Tensor x = randn([2, 3, 12, 10], dtype: dtype);

            using SegmentationModel deployed = model.ToDeployed();
            using Tensor expected = model.forward(x);
            using Tensor actual = deployed.forward(x);

            Fusion.BatchNormPaths(deployed).Should().BeEmpty();
            Fusion.BatchNormPaths(model).Should().NotBeEmpty("the original keeps its batch norms");
            double scale = Math.Max(1, TensorAssert.MaxAbs(expected));
            TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(tolerance * scale, $"{spec} in {dtype}");
        }
    }
}
