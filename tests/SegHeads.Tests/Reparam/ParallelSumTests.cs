using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

[Trait("Category", "Equivalence")]
public sealed class ParallelSumTests
{
    private const int Cases = 50;

    [Theory]
    [InlineData(ScalarType.Float64, 1e-10)]
    [InlineData(ScalarType.Float32, 1e-5)]
    public void Sum_RandomBranchSetsAndOffsets_EqualsSumOfBranches(ScalarType dtype, double tolerance)
    {
        var rng = new Random(2021);
        var generator = new Generator(2021);
        for (int i = 0; i < Cases; i++)
        {
            using var scope = NewDisposeScope();
            (int Height, int Width)[] shapes = RandomKernels.Subset(rng);
            int c = rng.Next(1, 6);
            int k = rng.Next(1, 6);
            // A common offset per axis: 0 is "same"; negative reads fewer border pixels, positive more.
            int oh = rng.Next(-(shapes.Min(s => s.Height) / 2), 2);
            int ow = rng.Next(-(shapes.Min(s => s.Width) / 2), 2);
            var branches = shapes.Select(s => RandomKernels.Kernel(k, c, s, (s.Height / 2) + oh, (s.Width / 2) + ow, dtype, generator)).ToList();
            // The smallest input every branch fits (1x1 when no offset is negative), plus 0..3 pixels.
            int h = Math.Max(1, 1 - (2 * oh)) + rng.Next(4);
            int w = Math.Max(1, 1 - (2 * ow)) + rng.Next(4);
            Tensor x = randn([rng.Next(1, 3), c, h, w], dtype: dtype, generator: generator);

            using ConvKernel sum = KernelAlgebra.Sum(branches);
            Tensor expected = branches.Select(b => b.Apply(x)).Aggregate((p, q) => p + q);
            Tensor actual = sum.Apply(x);

            string because = $"case {i}: {string.Join(" + ", shapes)} with offsets ({oh}, {ow}) on {h}x{w}";
            sum.KernelHeight.Should().Be(shapes.Max(s => s.Height), because);
            sum.KernelWidth.Should().Be(shapes.Max(s => s.Width), because);
            sum.PaddingHeight.Should().Be((sum.KernelHeight / 2) + oh, because);
            actual.shape.Should().Equal(expected.shape, because);
            RandomKernels.RelativeDiff(expected, actual).Should().BeLessThan(tolerance, because);
            branches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Sum_Float32Branches_ReturnsFloat32()
    {
        var generator = new Generator(1);
        using var a = RandomKernels.Kernel(2, 3, (3, 3), 1, 1, float32, generator);
        using var b = RandomKernels.Kernel(2, 3, (1, 1), 0, 0, float32, generator);

        using ConvKernel sum = KernelAlgebra.Add(a, b);

        sum.Weight.dtype.Should().Be(ScalarType.Float32);
        sum.Padding.Should().Be(1);
    }

    [Fact]
    public void Sum_OneByThreePlusThreeByOne_IsACross()
    {
        using var horizontal = new ConvKernel(ones(1, 1, 1, 3), tensor(new float[] { 1 }), 0, 1);
        using var vertical = new ConvKernel(ones(1, 1, 3, 1), tensor(new float[] { 2 }), 1, 0);

        using ConvKernel sum = KernelAlgebra.Sum([horizontal, vertical]);

        using Tensor expected = tensor(new float[] { 0, 1, 0, 1, 2, 1, 0, 1, 0 }).reshape(1, 1, 3, 3);
        TensorAssert.MaxAbsDiff(expected, sum.Weight).Should().Be(0);
        sum.Bias.item<float>().Should().Be(3);
    }

    [Fact]
    public void Sum_MisalignedBranches_ThrowsWithOffsets()
    {
        // Both pad by 1: the 1x1's output is 2 pixels larger and shifted against the 3x3's.
        using var a = new ConvKernel(zeros(2, 3, 3, 3), null, 1);
        using var b = new ConvKernel(zeros(2, 3, 1, 1), null, 1);

        Action sum = () => KernelAlgebra.Sum([a, b]);

        sum.Should().Throw<ArgumentException>().WithMessage("*aligned*branch 0 (3x3, padding (1, 1)) has offsets (0, 0)*branch 1 (1x1, padding (1, 1)) has (1, 1)*");
    }

    [Fact]
    public void Sum_ValidBranchesOfDifferentSizes_ThrowsBecauseOutputsDiffer()
    {
        using var a = new ConvKernel(zeros(2, 3, 3, 3), null, 0);
        using var b = new ConvKernel(zeros(2, 3, 1, 3), null, 0);

        Action sum = () => KernelAlgebra.Sum([a, b]);

        sum.Should().Throw<ArgumentException>().WithMessage("*offsets (-1, -1)*has (0, -1)*");
    }

    [Fact]
    public void Sum_ChannelMismatch_ThrowsWithBothMappings()
    {
        using var a = new ConvKernel(zeros(2, 3, 3, 3), null, 1);
        using var b = new ConvKernel(zeros(2, 4, 1, 1), null, 0);

        Action sum = () => KernelAlgebra.Sum([a, b]);

        sum.Should().Throw<ArgumentException>().WithMessage("*branch 0 maps 3 -> 2*branch 1 maps 4 -> 2*");
    }

    [Fact]
    public void Sum_NoBranches_Throws()
    {
        Action sum = () => KernelAlgebra.Sum([]);

        sum.Should().Throw<ArgumentException>().WithMessage("*at least one branch*");
    }

    [Theory]
    [InlineData(1, 3, 3, 3)]
    [InlineData(3, 1, 5, 5)]
    [InlineData(1, 1, 5, 3)]
    public void PadTo_LargerOddSize_ComputesTheSameOutput(int kh, int kw, int height, int width)
    {
        var generator = new Generator((ulong)((kh * 10) + kw));
        using var kernel = RandomKernels.Kernel(3, 2, (kh, kw), kh / 2, kw / 2, float64, generator);
        using Tensor x = randn([2, 2, 4, 5], dtype: float64, generator: generator);

        using ConvKernel padded = KernelAlgebra.PadTo(kernel, height, width);
        using Tensor expected = kernel.Apply(x);
        using Tensor actual = padded.Apply(x);

        padded.KernelHeight.Should().Be(height);
        padded.KernelWidth.Should().Be(width);
        padded.PaddingHeight.Should().Be(height / 2);
        padded.PaddingWidth.Should().Be(width / 2);
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-12);
    }

    [Theory]
    [InlineData(4, 3, "height")]
    [InlineData(1, 3, "height")]
    [InlineData(3, 1, "width")]
    public void PadTo_EvenOrSmallerSize_ThrowsNamingTheAxis(int height, int width, string parameter)
    {
        using var kernel = new ConvKernel(zeros(2, 3, 3, 3), null, 1);

        Action pad = () => KernelAlgebra.PadTo(kernel, height, width);

        pad.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }
}
