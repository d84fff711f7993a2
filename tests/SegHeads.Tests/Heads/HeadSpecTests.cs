using SegHeads.Blocks;
using SegHeads.Heads;

namespace SegHeads.Tests.Heads;

public sealed class HeadSpecTests
{
    [Theory]
    [InlineData("linear")]
    [InlineData("stacked-linear:3-3-1@64")]
    [InlineData("stacked-linear:3-3-1@64+bn+pad-once")]
    [InlineData("stacked-linear:5")]
    [InlineData("stacked-linear:5+pad-once")]
    [InlineData("stacked-linear:1-1-1@8")]
    [InlineData("activated:3-3-1@64+bn")]
    [InlineData("activated:3-1@32+gn+pad-once")]
    [InlineData("activated:3-3-1@16")]
    public void Parse_CanonicalString_RoundTrips(string text)
    {
        HeadSpec spec = HeadSpec.Parse(text);

        spec.ToString().Should().Be(text);
        HeadSpec.Parse(spec.ToString()).Should().Be(spec);
    }

    [Theory]
    [InlineData("stacked-linear", "stacked-linear:3-3-1@64")]
    [InlineData("  Stacked-Linear:3-3-1+BN ", "stacked-linear:3-3-1@64+bn")]
    [InlineData("stacked-linear:3-3-1@64+pad-each", "stacked-linear:3-3-1@64")]
    [InlineData("stacked-linear:5@128", "stacked-linear:5")]
    [InlineData("stacked-linear:3-1@8+pad-once+bn", "stacked-linear:3-1@8+bn+pad-once")]
    [InlineData("activated", "activated:3-3-1@64")]
    public void Parse_NonCanonicalString_FormatsCanonically(string text, string canonical)
    {
        HeadSpec.Parse(text).ToString().Should().Be(canonical);
    }

    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        HeadSpec spec = HeadSpec.Parse("stacked-linear:5-3-1@32+bn+pad-once");

        spec.Kind.Should().BeSameAs(StackedLinearHead.Kind);
        spec.Kernels.Should().Equal(5, 3, 1);
        spec.Layers.Should().HaveCount(3).And.OnlyContain(l => l.IsSingleSquare);
        spec.Width.Should().Be(32);
        spec.Norm.Should().Be(NormKind.Batch);
        spec.Padding.Should().Be(HeadPadding.PadOnce);
        spec.Options.Should().Equal(HeadOption.BatchNorm, HeadOption.PadOnce);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("conv", "unknown head kind 'conv'")]
    [InlineData("stacked-linear:3-2-1", "'2'")]
    [InlineData("stacked-linear:3--1", "''")]
    [InlineData("stacked-linear:3-3-1@0", "'0'")]
    [InlineData("stacked-linear:3-3-1@-4", "'-4'")]
    [InlineData("stacked-linear:3-3-1@x", "'x'")]
    [InlineData("stacked-linear:3-3-1@99999999", "'99999999'")]
    [InlineData("stacked-linear:33-1", "'33'")]
    [InlineData("stacked-linear:99999999999-1", "'99999999999'")]
    [InlineData("stacked-linear:1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", "17")]
    [InlineData("stacked-linear:1x3-1", "one odd kernel size per layer")]
    [InlineData("linear:3", "'linear' takes no layers")]
    [InlineData("linear+bn", "'+bn' does not apply to 'linear'")]
    [InlineData("stacked-linear+gn", "'+gn' does not apply to 'stacked-linear'")]
    [InlineData("stacked-linear+dropout", "'+dropout'")]
    [InlineData("stacked-linear+", "ends with '+'")]
    [InlineData("stacked-linear++bn", "empty")]
    [InlineData("stacked-linear+bn+bn", "'+bn' is given twice")]
    [InlineData("stacked-linear+pad-once+pad-each", "'+pad-once' and '+pad-each' contradict")]
    [InlineData("activated+bn+gn", "'+bn' and '+gn' contradict")]
    public void Parse_BadSpec_ThrowsWithReasonAndGrammar(string text, string reason)
    {
        Action parse = () => HeadSpec.Parse(text);

        parse.Should().Throw<FormatException>()
            .Which.Message.Should().Contain(reason).And.Contain(HeadSpec.Grammar);
        HeadSpec.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void StackedLinear_EvenKernelInCode_ThrowsWithGrammar()
    {
        Action build = () => HeadSpec.StackedLinear([3, 4, 1]);

        build.Should().Throw<ArgumentException>().WithMessage("*'4'*Grammar*");
    }

    [Fact]
    public void Grammar_ListsEveryRegisteredKindWithItsOptions()
    {
        foreach (HeadKind kind in HeadRegistry.Kinds)
        {
            HeadSpec.Grammar.Should().Contain(kind.Name);
            foreach (HeadOption option in kind.Options)
            {
                HeadSpec.Grammar.Should().Contain("+" + option.Name);
            }
        }
    }

    [Fact]
    public void EstimateParameters_BoundsTheBuiltHeadWithinTwoPerChannel()
    {
        HeadSpec spec = HeadSpec.Parse("stacked-linear:3-3-1@16");
        using SegmentationHead head = HeadFactory.Create(spec, 5, 4);

        long weights = (5 * 16 * 9) + (16 * 16 * 9) + (16 * 4);
        spec.EstimateParameters(5, 4).Should().Be(weights + (2 * (16 + 16 + 4)));
        head.parameters().Sum(p => p.numel()).Should().Be(weights + 16 + 16 + 4);
    }

    [Fact]
    public void Create_HugeHead_ThrowsWithComputedSizeBeforeAllocating()
    {
        Action create = () => HeadFactory.Create("stacked-linear:31-31-1@16384", 64, 3);

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*parameters*MB*limit*");
    }

    [Theory]
    [InlineData("linear", true)]
    [InlineData("stacked-linear:3-3-1@8+bn", true)]
    [InlineData("activated:3-3-1@8+bn", false)]
    [InlineData("activated:3@8", true)]
    public void IsLinear_IsTheHeadsOwnAnswer(string text, bool linear)
    {
        using SegmentationHead head = HeadFactory.Create(text, 3, 2);

        head.IsLinear.Should().Be(linear);
        head.TryCollapse(out var kernel, out _).Should().Be(linear);
        kernel?.Dispose();
    }
}
