using SegHeads.Blocks;
using SegHeads.Heads;

namespace SegHeads.Tests.Heads;

public sealed class HeadSpecTests
{
    [Theory]
    [InlineData("linear")]
    [InlineData("linear+relu-logits")]
    [InlineData("stacked-linear:3-3-1@64")]
    [InlineData("stacked-linear:3-3-1@64+bn+pad-once")]
    [InlineData("stacked-linear:5")]
    [InlineData("stacked-linear:1-1-1@8")]
    [InlineData("activated:3-3-1@64+bn")]
    [InlineData("activated:3-1@32+gn+pad-once+relu-logits")]
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
    [InlineData("stacked-linear:5@128+pad-once", "stacked-linear:5")]
    [InlineData("activated", "activated:3-3-1@64")]
    public void Parse_NonCanonicalString_FormatsCanonically(string text, string canonical)
    {
        HeadSpec.Parse(text).ToString().Should().Be(canonical);
    }

    [Fact]
    public void Parse_FullSpec_ReadsEveryField()
    {
        HeadSpec spec = HeadSpec.Parse("stacked-linear:5-3-1@32+bn+pad-once");

        spec.Kind.Should().Be(HeadKind.StackedLinear);
        spec.Kernels.Should().Equal(5, 3, 1);
        spec.Width.Should().Be(32);
        spec.Norm.Should().Be(NormKind.Batch);
        spec.Padding.Should().Be(HeadPadding.PadOnce);
        spec.ReceptiveRadius.Should().Be(3);
        spec.IsLinear.Should().BeTrue();
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("conv", "unknown head kind 'conv'")]
    [InlineData("stacked-linear:3-2-1", "'2'")]
    [InlineData("stacked-linear:3--1", "''")]
    [InlineData("stacked-linear:3-3-1@0", "'0'")]
    [InlineData("stacked-linear:3-3-1@-4", "'-4'")]
    [InlineData("stacked-linear:3-3-1@x", "'x'")]
    [InlineData("linear:3", "'linear' takes no kernel list")]
    [InlineData("linear+bn", "'+bn' does not apply to 'linear'")]
    [InlineData("stacked-linear+gn", "'+gn' does not apply to 'stacked-linear'")]
    [InlineData("stacked-linear+dropout", "'+dropout'")]
    public void Parse_BadSpec_ThrowsWithReasonAndGrammar(string text, string reason)
    {
        Action parse = () => HeadSpec.Parse(text);

        parse.Should().Throw<FormatException>()
            .Which.Message.Should().Contain(reason).And.Contain(HeadSpec.Grammar);
        HeadSpec.TryParse(text, out _).Should().BeFalse();
    }

    [Fact]
    public void Validate_EvenKernelBuiltInCode_ThrowsWithGrammar()
    {
        Action build = () => HeadSpec.StackedLinear([3, 4, 1]);

        build.Should().Throw<ArgumentException>().WithMessage("*4*Grammar*");
    }

    [Theory]
    [InlineData("linear", true)]
    [InlineData("stacked-linear:3-3-1@8+bn", true)]
    [InlineData("activated:3-3-1@8+bn", false)]
    [InlineData("activated:3@8", true)]
    [InlineData("stacked-linear:3-3-1@8+relu-logits", false)]
    public void IsLinear_FollowsActivationsAndLogitRelu(string text, bool linear)
    {
        HeadSpec.Parse(text).IsLinear.Should().Be(linear);
    }
}
