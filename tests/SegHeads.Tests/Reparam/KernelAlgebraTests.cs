using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

public sealed class KernelAlgebraTests
{
    [Trait("Category", "Equivalence")]
    [Theory]
    [InlineData(3, 3, 2, 5, 4)]
    [InlineData(1, 5, 3, 1, 2)]
    [InlineData(5, 1, 1, 4, 3)]
    [InlineData(3, 5, 4, 4, 4)]
    public void Compose_UnpaddedConvs_EqualsSequentialApplication(int ka, int kb, int c, int m, int k)
    {
        var generator = new Generator((ulong)((ka * 100) + kb));
        using var first = new ConvKernel(randn([m, c, ka, ka], dtype: float64, generator: generator), randn([m], dtype: float64, generator: generator), 0);
        using var second = new ConvKernel(randn([k, m, kb, kb], dtype: float64, generator: generator), randn([k], dtype: float64, generator: generator), 0);
        using Tensor x = randn([2, c, 11, 9], dtype: float64, generator: generator);

        using ConvKernel composed = KernelAlgebra.Compose(first, second);
        using Tensor mid = first.Apply(x);
        using Tensor expected = second.Apply(mid);
        using Tensor actual = composed.Apply(x);

        composed.KernelSize.Should().Be(ka + kb - 1);
        composed.InChannels.Should().Be(c);
        composed.OutChannels.Should().Be(k);
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
    }

    [Fact]
    public void Compose_Float32Kernels_ComputesInFloat64AndReturnsFloat32()
    {
        var generator = new Generator(5);
        using var first = new ConvKernel(randn([4, 3, 3, 3], generator: generator), randn([4], generator: generator), 0);
        using var second = new ConvKernel(randn([2, 4, 3, 3], generator: generator), null, 0);

        using ConvKernel composed = KernelAlgebra.Compose(first, second);

        composed.Weight.dtype.Should().Be(ScalarType.Float32);
        composed.Padding.Should().Be(0);
    }

    [Fact]
    public void Compose_ChannelMismatch_ThrowsWithBothCounts()
    {
        using var first = new ConvKernel(zeros(4, 3, 3, 3), null, 1);
        using var second = new ConvKernel(zeros(2, 5, 1, 1), null, 0);

        Action compose = () => KernelAlgebra.Compose(first, second);

        compose.Should().Throw<ArgumentException>().WithMessage("*4 channels*expects 5*");
    }

    [Trait("Category", "Equivalence")]
    [Fact]
    public void FoldBatchNorm_EvalMode_EqualsConvThenNorm()
    {
        var generator = new Generator(9);
        using var conv = nn.Conv2d(3, 5, 3, padding: 1, dtype: float64);
        using var bn = nn.BatchNorm2d(5, dtype: float64);
        HeadTestData.RandomizeBatchNorms(bn, generator);
        bn.eval();
        using Tensor x = randn([2, 3, 6, 6], dtype: float64, generator: generator);

        using ConvKernel folded = KernelAlgebra.FoldBatchNorm(ConvKernel.FromConv(conv), bn);
        using Tensor mid = conv.forward(x);
        using Tensor expected = bn.forward(mid);
        using Tensor actual = folded.Apply(x);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
    }

    [Fact]
    public void ConvKernel_EvenKernel_ThrowsWithShape()
    {
        Action create = () => _ = new ConvKernel(zeros(2, 3, 2, 2), null, 0);

        create.Should().Throw<ArgumentException>().WithMessage("*[2, 3, 2, 2]*");
    }

    [Fact]
    public void ConvKernel_BiasOfWrongLength_ThrowsWithShapes()
    {
        Action create = () => _ = new ConvKernel(zeros(2, 3, 3, 3), zeros(3), 0);

        create.Should().Throw<ArgumentException>().WithMessage("*[2]*[3]*");
    }
}
