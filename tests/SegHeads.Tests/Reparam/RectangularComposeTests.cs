using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

[Trait("Category", "Equivalence")]
public sealed class RectangularComposeTests
{
    private const int Cases = 50;

    [Theory]
    [InlineData(ScalarType.Float64, 1e-10)]
    [InlineData(ScalarType.Float32, 1e-5)]
    public void Compose_RandomRectangles_EqualsRunningBothConvsUnpadded(ScalarType dtype, double tolerance)
    {
        var rng = new Random(2019);
        var generator = new Generator(2019);
        for (int i = 0; i < Cases; i++)
        {
            using var scope = NewDisposeScope();
            (int, int) a = RandomKernels.Shapes[rng.Next(RandomKernels.Shapes.Length)];
            (int, int) b = RandomKernels.Shapes[rng.Next(RandomKernels.Shapes.Length)];
            int c = rng.Next(1, 5);
            int m = rng.Next(1, 5);
            int k = rng.Next(1, 5);
            using ConvKernel first = RandomKernels.Kernel(m, c, a, 0, 0, dtype, generator);
            using ConvKernel second = RandomKernels.Kernel(k, m, b, 0, 0, dtype, generator);
            int kh = a.Item1 + b.Item1 - 1;
            int kw = a.Item2 + b.Item2 - 1;
            Tensor x = randn([rng.Next(1, 3), c, kh + rng.Next(0, 4), kw + rng.Next(0, 4)], dtype: dtype, generator: generator);

            using ConvKernel composed = KernelAlgebra.Compose(first, second);
            Tensor expected = second.Apply(first.Apply(x));
            Tensor actual = composed.Apply(x);

            composed.KernelHeight.Should().Be(kh, "case {0}: {1} then {2}", i, a, b);
            composed.KernelWidth.Should().Be(kw);
            composed.Weight.dtype.Should().Be(dtype);
            RandomKernels.RelativeDiff(expected, actual).Should().BeLessThan(tolerance, "case {0}: {1} then {2}", i, a, b);
        }
    }

    [Fact]
    public void Compose_PerAxisPaddings_AddPerAxis()
    {
        using var first = new ConvKernel(zeros(2, 3, 1, 3), null, 0, 1);
        using var second = new ConvKernel(zeros(4, 2, 5, 1), null, 2, 0);

        using ConvKernel composed = KernelAlgebra.Compose(first, second);

        composed.KernelHeight.Should().Be(5);
        composed.KernelWidth.Should().Be(3);
        composed.PaddingHeight.Should().Be(2);
        composed.PaddingWidth.Should().Be(1);
    }

    [Fact]
    public void Compose_OneByThreeThenThreeByOneWithoutFirstBias_IsExactEvenWithSamePadding()
    {
        // Pad-each stacks differ at the border only through the first conv's response to the zero
        // border; a 1x3 pads no rows, and its response to a zero row is its bias, here zero.
        var generator = new Generator(31);
        using var first = new ConvKernel(randn([3, 2, 1, 3], dtype: float64, generator: generator), null, 0, 1);
        using var second = RandomKernels.Kernel(4, 3, (3, 1), 1, 0, float64, generator);
        using Tensor x = randn([2, 2, 5, 6], dtype: float64, generator: generator);

        using ConvKernel composed = KernelAlgebra.Compose(first, second);
        using Tensor mid = first.Apply(x);
        using Tensor expected = second.Apply(mid);
        using Tensor actual = composed.Apply(x);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
    }
}
