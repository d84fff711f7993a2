using SegHeads.Blocks;
using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using SegHeads.Tests.Reparam;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Blocks;

public sealed class BranchedConvTests
{
    private const int Cases = 50;

    private static readonly KernelShape[] Acnet = [KernelShape.Square(3), new(1, 3), new(3, 1), KernelShape.Square(1)];

    private static KernelShape[] RandomBranches(Random rng) =>
        RandomKernels.Subset(rng).Select(s => new KernelShape(s.Height, s.Width)).ToArray();

    private static BranchedConv RandomBlock(Random rng, Generator generator, BranchedConvPadding padding, ScalarType dtype)
    {
        var options = new BranchedConvOptions(rng.Next(1, 6), rng.Next(1, 6), RandomBranches(rng))
        {
            BatchNorm = rng.Next(2) == 0,
            Bias = rng.Next(3) == 0 ? true : null,
            Padding = padding,
        };
        var block = new BranchedConv(options);
        block.to(dtype);
        HeadTestData.RandomizeBatchNorms(block, generator);
        block.eval();
        return block;
    }

    [Fact]
    public void StateDict_WithoutBatchNorm_HasConvWeightAndBiasPerBranch()
    {
        using var block = new BranchedConv(new BranchedConvOptions(3, 4, [new(3, 3), new(1, 3)]));

        block.state_dict().Keys.Should().Equal("branches.0.conv.weight", "branches.0.conv.bias", "branches.1.conv.weight", "branches.1.conv.bias");
    }

    [Fact]
    public void StateDict_WithBatchNorm_HasBiaslessConvAndNormPerBranch()
    {
        using var block = new BranchedConv(new BranchedConvOptions(3, 4, [new(3, 1), new(1, 1)]) { BatchNorm = true });

        // NOTE: TorchSharp lists all parameters before all buffers, so compare the key set.
        block.state_dict().Keys.Should().BeEquivalentTo(
            "branches.0.conv.weight", "branches.0.norm.weight", "branches.0.norm.bias", "branches.0.norm.running_mean",
            "branches.0.norm.running_var", "branches.0.norm.num_batches_tracked",
            "branches.1.conv.weight", "branches.1.norm.weight", "branches.1.norm.bias", "branches.1.norm.running_mean",
            "branches.1.norm.running_var", "branches.1.norm.num_batches_tracked");
    }

    [Theory]
    [InlineData(BranchedConvPadding.Same, 7, 9)]
    [InlineData(BranchedConvPadding.Valid, 5, 5)]
    public void Forward_PaddingModeDecidesOutputSize(BranchedConvPadding padding, int height, int width)
    {
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, [new(3, 5), new(1, 1), new(3, 1)]) { Padding = padding });
        using Tensor x = randn(2, 2, 7, 9);

        using Tensor y = block.forward(x);

        y.shape.Should().Equal(2, 3, height, width);
    }

    [Theory]
    [Trait("Category", "Equivalence")]
    [InlineData(BranchedConvPadding.Same, ScalarType.Float64, 1e-10)]
    [InlineData(BranchedConvPadding.Same, ScalarType.Float32, 1e-5)]
    [InlineData(BranchedConvPadding.Valid, ScalarType.Float64, 1e-10)]
    [InlineData(BranchedConvPadding.Valid, ScalarType.Float32, 1e-5)]
    public void TryFuse_RandomBranchesAndBatchNorms_MatchesForwardEverywhere(BranchedConvPadding padding, ScalarType dtype, double tolerance)
    {
        var rng = new Random(1000 + (int)padding);
        var generator = new Generator(1000 + (ulong)padding);
        for (int i = 0; i < Cases; i++)
        {
            using var scope = NewDisposeScope();
            using BranchedConv block = RandomBlock(rng, generator, padding, dtype);
            // Same mode runs on any size, down to 1x1; valid mode needs at least the largest kernel.
            int minHeight = padding == BranchedConvPadding.Same ? 1 : block.Options.MaxKernelHeight;
            int minWidth = padding == BranchedConvPadding.Same ? 1 : block.Options.MaxKernelWidth;
            Tensor x = randn([rng.Next(1, 3), block.Options.InChannels, minHeight + rng.Next(4), minWidth + rng.Next(4)], dtype: dtype, generator: generator);

            Tensor expected = block.forward(x);
            block.TryFuse(out ConvKernel? fused, out string? reason).Should().BeTrue(reason);
            using ConvKernel kernel = fused!;
            Tensor actual = kernel.Apply(x);

            string because = $"case {i}: {string.Join(" + ", block.BranchShapes)}, bn {block.Options.BatchNorm}, input {Shapes(x)}";
            kernel.KernelHeight.Should().Be(block.Options.MaxKernelHeight, because);
            kernel.KernelWidth.Should().Be(block.Options.MaxKernelWidth, because);
            kernel.Weight.dtype.Should().Be(dtype);
            actual.shape.Should().Equal(expected.shape, because);
            RandomKernels.RelativeDiff(expected, actual).Should().BeLessThan(tolerance, because);
        }
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void Forward_ValidOnInputPaddedByLargestRadius_EqualsSameMode()
    {
        // Valid mode is the pad-once form of same mode: padding the input once by (Kh/2, Kw/2) and
        // cropping per branch gives every branch exactly its own (kh/2, kw/2) zero border.
        var generator = new Generator(77);
        using var same = new BranchedConv(new BranchedConvOptions(3, 2, [new(3, 5), new(1, 3), new(5, 1)]) { BatchNorm = true });
        using var valid = new BranchedConv(same.Options with { Padding = BranchedConvPadding.Valid });
        HeadTestData.RandomizeBatchNorms(same, generator);
        valid.load_state_dict(same.state_dict());
        same.eval();
        valid.eval();
        using Tensor x = randn([2, 3, 4, 6], generator: generator);

        using Tensor expected = same.forward(x);
        using Tensor padded = nn.functional.pad(x, [2, 2, 2, 2]);
        using Tensor actual = valid.forward(padded);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-5);
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void Compose_TwoSameModeBlocks_ExactInsideButNotOnTheBorderRing()
    {
        // Where exactness breaks: stacked same-mode blocks pad the intermediate map with zeros, where
        // the composed conv sees the first block's response to the zero border (its bias at least).
        // The composition is exact only at least the second block's padding (1) from the border.
        var generator = new Generator(88);
        using var first = new BranchedConv(new BranchedConvOptions(2, 3, Acnet) { BatchNorm = true });
        using var second = new BranchedConv(new BranchedConvOptions(3, 2, [new(3, 3), new(1, 1)]));
        HeadTestData.RandomizeBatchNorms(first, generator);
        first.eval();
        using Tensor x = randn([1, 2, 6, 7], dtype: float32, generator: generator).to(float64);
        first.to(float64);
        second.to(float64);

        using Tensor mid = first.forward(x);
        using Tensor expected = second.forward(mid);
        using ConvKernel a = first.ToKernel();
        using ConvKernel b = second.ToKernel();
        using ConvKernel composed = KernelAlgebra.Compose(a, b);
        using Tensor actual = composed.Apply(x);
        using Tensor interior = HeadTestData.Interior(6, 7, 1);
        using Tensor border = interior.logical_not();

        composed.PaddingHeight.Should().Be(2);
        TensorAssert.MaxAbsDiff(expected, actual, interior).Should().BeLessThan(1e-10);
        TensorAssert.MaxAbsDiff(expected, actual, border).Should().BeGreaterThan(1e-3);
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void Compose_TwoValidModeBlocks_ExactEverywhere()
    {
        var generator = new Generator(89);
        using var first = new BranchedConv(new BranchedConvOptions(2, 3, Acnet) { BatchNorm = true, Padding = BranchedConvPadding.Valid });
        using var second = new BranchedConv(new BranchedConvOptions(3, 2, [new(1, 5), new(1, 1)]) { Padding = BranchedConvPadding.Valid });
        HeadTestData.RandomizeBatchNorms(first, generator);
        first.eval();
        first.to(float64);
        second.to(float64);
        using Tensor x = randn([2, 2, 5, 8], dtype: float64, generator: generator);

        using Tensor mid = first.forward(x);
        using Tensor expected = second.forward(mid);
        using ConvKernel a = first.ToKernel();
        using ConvKernel b = second.ToKernel();
        using ConvKernel composed = KernelAlgebra.Compose(a, b);
        using Tensor actual = composed.Apply(x);

        actual.shape.Should().Equal(2, 2, 3, 2);
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
    }

    [Fact]
    public void TryFuse_TrainMode_UsesRunningStatisticsAndKeepsTheMode()
    {
        var generator = new Generator(5);
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, Acnet) { BatchNorm = true });
        HeadTestData.RandomizeBatchNorms(block, generator);
        using Tensor x = randn([2, 2, 5, 5], generator: generator);

        using ConvKernel kernel = block.ToKernel();
        block.training.Should().BeTrue();
        block.eval();
        using Tensor expected = block.forward(x);
        using Tensor actual = kernel.Apply(x);

        RandomKernels.RelativeDiff(expected, actual).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void TryFuse_BatchNormWithoutRunningStatistics_ReturnsFalseWithReason()
    {
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, Acnet) { BatchNorm = true });
        block.BatchNorms[2].running_mean = null;
        block.BatchNorms[2].running_var = null;

        bool fused = block.TryFuse(out ConvKernel? kernel, out string? reason);
        Func<ConvKernel> fuse = block.ToKernel;

        fused.Should().BeFalse();
        kernel.Should().BeNull();
        reason.Should().Contain("branch 2 (3x1)").And.Contain("running statistics");
        fuse.Should().Throw<InvalidOperationException>().WithMessage("*branch 2 (3x1)*");
    }

    [Fact]
    public void Backward_InPlaceSum_MatchesOutOfPlaceSum()
    {
        var generator = new Generator(6);
        // NOTE: float64, because the out-of-place reference calls the bare convs on NCHW input, which
        // in float32 would take oneDNN's padded path (wrong gradients for 3 output channels).
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, Acnet) { BatchNorm = true });
        block.to(float64);
        using var scope = NewDisposeScope();
        Tensor x = randn([2, 2, 5, 5], dtype: float64, generator: generator).requires_grad_();
        Tensor y = block.forward(x);
        Tensor g = randn_like(y);
        Tensor[] inPlace = autograd.grad([y], [x, block.Convs[1].weight], [g]).ToArray();

        Tensor z = Enumerable.Range(0, 4).Select(i => block.BatchNorms[i].forward(block.Convs[i].forward(x))).Aggregate((p, q) => p + q);
        Tensor[] outOfPlace = autograd.grad([z], [x, block.Convs[1].weight], [g]).ToArray();

        TensorAssert.MaxAbsDiff(y, z).Should().BeLessThan(1e-5);
        TensorAssert.MaxAbsDiff(inPlace[0], outOfPlace[0]).Should().BeLessThan(1e-5);
        TensorAssert.MaxAbsDiff(inPlace[1], outOfPlace[1]).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void BranchShapes_CallerEditsItsList_BlockKeepsItsCopy()
    {
        KernelShape[] shapes = [new(3, 3), new(1, 3)];
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, shapes));

        shapes[1] = new(5, 5);

        block.BranchShapes.Should().Equal(new KernelShape(3, 3), new KernelShape(1, 3));
        block.Options.Branches.Should().Equal(new KernelShape(3, 3), new KernelShape(1, 3));
    }

    [Fact]
    public void Options_SameBranchesInDifferentLists_AreEqual()
    {
        var a = new BranchedConvOptions(2, 3, [new(3, 3), new(1, 3)]);
        var b = new BranchedConvOptions(2, 3, new List<KernelShape> { new(3, 3), new(1, 3) });

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(b with { Padding = BranchedConvPadding.Valid });
    }

    public static TheoryData<BranchedConvOptions, string> BadOptions() => new()
    {
        { new BranchedConvOptions(0, 3, Acnet), "*InChannels*1 and 65536*was 0*" },
        { new BranchedConvOptions(2, 65537, Acnet), "*OutChannels*65536*was 65537*" },
        { new BranchedConvOptions(2, 3, []), "*at least one branch*" },
        { new BranchedConvOptions(2, 3, [new(3, 3), new(2, 3)]), "*Branch 1*odd*2x3*" },
        { new BranchedConvOptions(2, 3, [new(33, 1)]), "*Branch 0*31*33x1*" },
        { new BranchedConvOptions(2, 3, [new(-1, 1)]), "*Branch 0*-1x1*" },
        { new BranchedConvOptions(2, 3, [new(1, 3), new(3, 3), new(1, 3)]), "*Branch 2 repeats the shape 1x3*" },
        { new BranchedConvOptions(2, 3, Acnet) { Padding = (BranchedConvPadding)7 }, "*Unknown padding 7*" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void Create_BadOptions_ThrowsNamingTheValue(BranchedConvOptions options, string message)
    {
        Action create = () => _ = new BranchedConv(options);

        create.Should().Throw<ArgumentException>().WithMessage(message);
    }

    [Fact]
    public void Forward_WrongChannelCount_ThrowsWithShapes()
    {
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, Acnet));
        using Tensor x = randn(1, 4, 5, 5);

        Action forward = () => block.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*2 input channels*[1, 4, 5, 5]*");
    }

    [Fact]
    public void Forward_InputOfOtherDtype_ThrowsWithBothDtypes()
    {
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, Acnet));
        using Tensor x = randn([1, 2, 5, 5], dtype: float64);

        Action forward = () => block.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*Float32*Float64*");
    }

    [Fact]
    public void Forward_ValidModeInputSmallerThanLargestKernel_ThrowsWithShape()
    {
        using var block = new BranchedConv(new BranchedConvOptions(2, 3, [new(1, 5), new(3, 1)]) { Padding = BranchedConvPadding.Valid });
        using Tensor x = randn(1, 2, 6, 4);

        Action forward = () => block.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*3x5*[1, 2, 6, 4]*");
    }

    private static string Shapes(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
