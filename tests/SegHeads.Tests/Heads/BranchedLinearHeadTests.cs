using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Heads;

/// <summary>
/// Where the branched linear head collapses exactly, proven in float64 over random branch sets:
/// one layer (any padding) and pad-once stacks everywhere; pad-each stacks away from a border ring
/// of <c>R − r1</c> rows and columns (per axis), and, in general, not in that ring.
/// </summary>
[Trait("Category", "Equivalence")]
public sealed class BranchedLinearHeadTests
{
    private static readonly KernelShape[] Pool =
        [new(1, 1), new(1, 3), new(3, 1), new(3, 3), new(1, 5), new(5, 1), new(3, 5), new(5, 3), new(5, 5)];

    [Theory]
    [InlineData("branched-linear", "branched-linear:3-3-1@64")]
    [InlineData("branched-linear:3x3,1x3,3x1,1x1-1@8", "branched-linear:3-1@8")]
    [InlineData("branched-linear:1x3,3x3-1@8", "branched-linear:3x3,1x3-1@8")]
    [InlineData("branched-linear:3x3-1@8", "branched-linear:3x3-1@8")]
    [InlineData("branched-linear:5@8+bn", "branched-linear:5+bn")]
    public void Parse_BranchedSpecs_AreCanonical(string text, string canonical)
    {
        HeadSpec spec = HeadSpec.Parse(text);

        spec.ToString().Should().Be(canonical);
        HeadSpec.Parse(canonical).Should().Be(spec);
    }

    [Fact]
    public void Parse_BareSize_ExpandsToSquareAsymmetricAndPointwiseBranches()
    {
        HeadSpec spec = HeadSpec.Parse("branched-linear:5-1@8");

        spec.Layers[0].Branches.Should().BeEquivalentTo(new KernelShape[] { new(5, 5), new(1, 5), new(5, 1), new(1, 1) });
        spec.Layers[1].Branches.Should().Equal(new KernelShape(1, 1));
    }

    [Theory]
    [InlineData("branched-linear:3x3,3x3-1", "twice")]
    [InlineData("branched-linear:2x3-1", "'2'")]
    [InlineData("branched-linear:3x-1", "''")]
    public void Parse_BadBranches_ThrowWithReason(string text, string reason)
    {
        Action parse = () => HeadSpec.Parse(text);

        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Collapse_RandomBranchSets_ExactEverywhereForPadOnceAndSingleLayers(bool padOnce)
    {
        var random = new Random(padOnce ? 17 : 23);
        for (int trial = 0; trial < 25; trial++)
        {
            int layerCount = padOnce ? random.Next(1, 4) : 1;
            HeadSpec spec = RandomSpec(random, layerCount, padOnce);
            CheckCollapse(spec, random, trial, interiorOnly: false);
        }
    }

    [Fact]
    public void Collapse_PadEachStacks_ExactAwayFromTheRingAndNotInIt()
    {
        var random = new Random(31);
        int differsInRing = 0;
        for (int trial = 0; trial < 25; trial++)
        {
            HeadSpec spec = RandomSpec(random, random.Next(2, 4), padOnce: false);
            if (CheckCollapse(spec, random, trial, interiorOnly: true))
            {
                differsInRing++;
            }
        }

        differsInRing.Should().BeGreaterThan(0, "pad-each stacks zero-pad intermediate maps where the collapsed conv sees responses to padding");
    }

    [Fact]
    public void Deployed_BranchedHead_IsASingleConvWithTheCollapsedKernel()
    {
        using SegHeads.Models.SegmentationModel model = SegHeads.Models.SegmentationModel.Create(
            "branched-linear:3-3-1@6+bn+pad-once", 3, new SegHeads.Backbones.EncoderDecoderOptions { Depth = 2, BaseWidth = 4 });
        HeadTestData.RandomizeBatchNorms(model, new Generator(3));
        model.eval();
        using Tensor x = randn(1, 3, 10, 6);

        using SegHeads.Models.SegmentationModel deployed = model.ToDeployed();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);

        deployed.Head.Spec.ToString().Should().Be("stacked-linear:5");
        Fusion.BatchNormPaths(deployed).Should().BeEmpty();
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-5 * Math.Max(1, TensorAssert.MaxAbs(expected)));
    }

    private static HeadSpec RandomSpec(Random random, int layerCount, bool padOnce)
    {
        var layers = new List<HeadLayer>();
        for (int i = 0; i < layerCount; i++)
        {
            KernelShape[] branches = [.. Pool.Where(_ => random.NextDouble() < 0.4)];
            layers.Add(new HeadLayer(branches.Length == 0 ? [Pool[random.Next(Pool.Length)]] : branches));
        }

        var options = new List<HeadOption>();
        if (random.NextDouble() < 0.5)
        {
            options.Add(HeadOption.BatchNorm);
        }

        if (padOnce)
        {
            options.Add(HeadOption.PadOnce);
        }

        return HeadSpec.Create(BranchedLinearHead.Kind, layers, random.Next(1, 5), options);
    }

    /// <summary>Checks the collapse in float64; returns whether the output differs in the border ring.</summary>
    private static bool CheckCollapse(HeadSpec spec, Random random, int trial, bool interiorOnly)
    {
        int c = random.Next(1, 4);
        int k = random.Next(1, 4);
        using SegmentationHead head = HeadFactory.Create(spec, c, k);
        head.to(float64);
        HeadTestData.RandomizeBatchNorms(head, new Generator((ulong)trial));
        using (no_grad())
        {
            foreach (var (_, p) in head.named_parameters())
            {
                p.add_(randn_like(p) * 0.1);
            }
        }

        head.eval();
        long h = random.Next(1, 10);
        long w = random.Next(1, 10);
        using var scope = NewDisposeScope();
        Tensor x = randn([2, c, h, w], dtype: float64);
        Tensor expected = head.forward(x);
        using ConvKernel kernel = head.Collapse();
        Tensor actual = kernel.Apply(x);
        double tolerance = 1e-10 * Math.Max(1, TensorAssert.MaxAbs(expected));
        actual.shape.Should().Equal(expected.shape);
        if (!interiorOnly)
        {
            TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(tolerance, $"{spec} on [2, {c}, {h}, {w}]");
            return false;
        }

        // Distance from the border per axis at which the collapse is exact: R − r1 in rows and in columns.
        int ringRows = spec.Layers.Skip(1).Sum(l => l.Height / 2);
        int ringCols = spec.Layers.Skip(1).Sum(l => l.Width / 2);
        Tensor interior = zeros([1, 1, h, w], dtype: ScalarType.Bool);
        if (h > 2 * ringRows && w > 2 * ringCols)
        {
            interior[.., .., TensorIndex.Slice(ringRows, h - ringRows), TensorIndex.Slice(ringCols, w - ringCols)] = true;
        }

        TensorAssert.MaxAbsDiff(expected, actual, interior).Should().BeLessThan(tolerance, $"{spec} on [2, {c}, {h}, {w}] in the interior");
        return TensorAssert.MaxAbsDiff(expected, actual, interior.logical_not()) > 1e-6;
    }
}
