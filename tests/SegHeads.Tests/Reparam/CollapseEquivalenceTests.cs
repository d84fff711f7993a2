using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

public sealed class CollapseEquivalenceTests
{
    private const int CasesPerTheory = 6;

    public static TheoryData<string, HeadPadding, bool, ScalarType> Cases()
    {
        var data = new TheoryData<string, HeadPadding, bool, ScalarType>();
        foreach (string kernels in new[] { "3-3-1", "3-3-3-1", "5-3-1", "1-3-1", "3-1", "3-3", "1", "5" })
        {
            foreach (HeadPadding padding in new[] { HeadPadding.PadEach, HeadPadding.PadOnce })
            {
                foreach (bool bn in new[] { false, true })
                {
                    foreach (ScalarType dtype in new[] { ScalarType.Float64, ScalarType.Float32 })
                    {
                        data.Add(kernels, padding, bn, dtype);
                    }
                }
            }
        }

        return data;
    }

    [Trait("Category", "Equivalence")]
    [Theory]
    [MemberData(nameof(Cases))]
    public void Collapse_RandomStacks_MatchWhereTheoryPromises(string kernels, HeadPadding padding, bool batchNorm, ScalarType dtype)
    {
        var generator = new Generator((ulong)(1234 + (kernels.Length * 31) + kernels.Sum(ch => ch)));
        var rng = new Random(42);
        int[] ks = kernels.Split('-').Select(int.Parse).ToArray();
        for (int i = 0; i < CasesPerTheory; i++)
        {
            using var scope = NewDisposeScope();
            int width = rng.Next(1, 17);
            int inChannels = rng.Next(1, 9);
            int classes = rng.Next(1, 6);
            var spec = HeadSpec.StackedLinear(ks, width, batchNorm, padding);
            int r = spec.Layers.Sum(l => l.Radius);
            int h = rng.Next(Math.Max(1, 2 * r), 14);
            int w = rng.Next(Math.Max(1, 2 * r), 14);
            using SegmentationHead head = HeadTestData.Build(spec, inChannels, classes, dtype);
            HeadTestData.RandomizeBatchNorms(head, generator);
            head.eval();
            Tensor x = randn([rng.Next(1, 4), inChannels, h, w], dtype: dtype, generator: generator);

            Tensor expected = head.forward(x);
            using ConvKernel collapsed = head.Collapse();
            Tensor actual = collapsed.Apply(x);

            collapsed.KernelSize.Should().Be((2 * r) + 1);
            actual.shape.Should().Equal(expected.shape);
            double tolerance = dtype == ScalarType.Float64 ? 1e-9 : 1e-4 * Math.Max(1, TensorAssert.MaxAbs(expected));
            int ring = padding == HeadPadding.PadOnce ? 0 : r - ((ks[0] - 1) / 2);
            Tensor interior = HeadTestData.Interior(h, w, ring);
            TensorAssert.MaxAbsDiff(expected, actual, interior).Should().BeLessThanOrEqualTo(tolerance,
                $"spec {spec}, x {string.Join("x", x.shape)}: the collapse is exact at distance >= {ring} from the border");

            if (ring > 0)
            {
                // With non-zero biases, zero-padding intermediate maps differs from what the collapsed
                // conv sees there (the layer's response to padding): the ring must differ.
                TensorAssert.MaxAbsDiff(expected, actual, interior.logical_not()).Should().BeGreaterThan(tolerance * 10,
                    $"spec {spec}: pad-each differs from the collapse in the {ring}-pixel ring");
            }
        }
    }

    [Trait("Category", "Equivalence")]
    [Fact]
    public void Collapse_PadOnceStack_MatchesEverywhereInFloat64()
    {
        var generator = new Generator(7);
        using SegmentationHead head = HeadTestData.Build(HeadSpec.Parse("stacked-linear:3-3-3-1@12+bn+pad-once"), 5, 4, ScalarType.Float64);
        HeadTestData.RandomizeBatchNorms(head, generator);
        head.eval();
        using Tensor x = randn([2, 5, 9, 11], dtype: float64, generator: generator);

        using Tensor expected = head.forward(x);
        using ConvKernel collapsed = head.Collapse();
        using Tensor actual = collapsed.Apply(x);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10);
    }

    [Trait("Category", "Equivalence")]
    [Fact]
    public void Collapse_BatchNormStackInTrainMode_UsesRunningStatistics()
    {
        var generator = new Generator(8);
        using SegmentationHead head = HeadTestData.Build(HeadSpec.Parse("stacked-linear:3-1@6+bn+pad-once"), 3, 2, ScalarType.Float64);
        HeadTestData.RandomizeBatchNorms(head, generator);
        head.train();
        using ConvKernel collapsed = head.Collapse();
        head.eval();
        using Tensor x = randn([2, 3, 7, 7], dtype: float64, generator: generator);

        using Tensor expected = head.forward(x);
        using Tensor actual = collapsed.Apply(x);

        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-10, "collapse always has eval semantics");
    }

    [Theory]
    [InlineData("activated:3-3-1@8+bn", "ReLU")]
    [InlineData("activated:3-1@8+gn", "ReLU")]
    public void TryCollapse_NonlinearHead_RefusesWithReason(string spec, string reason)
    {
        using SegmentationHead head = HeadFactory.Create(spec, 4, 3);

        head.TryCollapse(out ConvKernel? kernel, out string? why).Should().BeFalse();

        kernel.Should().BeNull();
        why.Should().Contain(reason);
        Action collapse = () => head.Collapse();
        collapse.Should().Throw<InvalidOperationException>().WithMessage($"*{spec}*{reason}*");
    }

    [Trait("Category", "Equivalence")]
    [Fact]
    public void LinearHead_EqualsPerPixelLinearLayer()
    {
        var generator = new Generator(11);
        using var head = new LinearHead(6, 4);
        head.to(float64);
        using var linear = nn.Linear(6, 4, dtype: float64);
        using (no_grad())
        {
            linear.weight!.copy_(head.Classifier.weight!.view(4, 6));
            linear.bias!.copy_(head.Classifier.bias!);
        }

        using Tensor x = randn([3, 6, 5, 7], dtype: float64, generator: generator);
        using Tensor conv = head.forward(x);
        using Tensor perPixel = linear.forward(x.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);

        TensorAssert.MaxAbsDiff(conv, perPixel).Should().BeLessThan(1e-12);
    }
}
