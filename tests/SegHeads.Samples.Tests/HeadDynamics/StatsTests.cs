using SegHeads.Samples.HeadDynamics;

namespace SegHeads.Samples.Tests.HeadDynamics;

public sealed class StatsTests
{
    private static readonly double[] OneToFive = [1, 2, 3, 4, 5];
    private static readonly double[] TwoToTen = [2, 4, 6, 8, 10];

    [Theory]
    [InlineData(4, 2.776445105)]
    [InlineData(19, 2.093024054)]
    [InlineData(1, 12.70620474)]
    public void StudentTQuantile_975_MatchesTables(double df, double expected) =>
        Stats.StudentTQuantile(0.975, df).Should().BeApproximately(expected, 1e-6);

    [Theory]
    [InlineData(0.3)]
    [InlineData(1.897)]
    [InlineData(7.5)]
    public void TwoSidedP_OneAndTwoDegreesOfFreedom_MatchClosedForms(double t)
    {
        // df = 1 is the Cauchy distribution; df = 2 has P(|T| > t) = 1 − t/√(2 + t²).
        Stats.TwoSidedP(t, 1).Should().BeApproximately(1 - (2 / Math.PI * Math.Atan(t)), 1e-10);
        Stats.TwoSidedP(t, 2).Should().BeApproximately(1 - (t / Math.Sqrt(2 + (t * t))), 1e-10);
        Stats.TwoSidedP(-t, 2).Should().BeApproximately(Stats.TwoSidedP(t, 2), 1e-14);
    }

    [Fact]
    public void HalfWidth_FiveValues_IsTQuantileTimesStandardError()
    {
        // mean 3, s = √2.5, se = √0.5; t(0.975, 4) = 2.776445 → 1.963243.
        Stats.Of(OneToFive).HalfWidth().Should().BeApproximately(1.963243, 1e-5);
    }

    [Fact]
    public void Welch_UnequalVariances_GivesHandComputedTAndDegreesOfFreedom()
    {
        // var 2.5 and 10 over 5 values: se² = 0.5 + 2; t = −3/√2.5; df = 2.5² / (0.5²/4 + 2²/4) = 5.882353.
        WelchTest test = Stats.Welch(OneToFive, TwoToTen);

        test.Difference.Should().Be(-3);
        test.T.Should().BeApproximately(-1.8973666, 1e-6);
        test.DegreesOfFreedom.Should().BeApproximately(5.8823529, 1e-6);
        test.P.Should().BeApproximately(Stats.TwoSidedP(1.8973666, 5.8823529), 1e-6).And.BeInRange(0.10, 0.11);
    }

    [Fact]
    public void Welch_OneValueInAGroup_ThrowsNamingTheCounts()
    {
        Action act = () => Stats.Welch([1.0], OneToFive);

        act.Should().Throw<ArgumentException>().WithMessage("*at least 2*got 1 and 5*");
    }

    [Fact]
    public void HedgesG_HandComputed()
    {
        // pooled sd √((4·2.5 + 4·10)/8) = 2.5, d = −1.2, J = 1 − 3/31.
        Stats.HedgesG(OneToFive, TwoToTen).Should().BeApproximately(-1.2 * (1 - (3.0 / 31)), 1e-12);
    }

    [Fact]
    public void Holm_FourPValues_StepsDownAndStaysMonotone()
    {
        // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max so far 0.06.
        double[] adjusted = Stats.Holm([0.01, 0.04, 0.03, 0.005]);

        adjusted.Should().HaveCount(4);
        adjusted[0].Should().BeApproximately(0.03, 1e-15);
        adjusted[1].Should().BeApproximately(0.06, 1e-15);
        adjusted[2].Should().BeApproximately(0.06, 1e-15);
        adjusted[3].Should().BeApproximately(0.02, 1e-15);
    }

    [Fact]
    public void Holm_LargePValues_CapAtOne() =>
        Stats.Holm([0.5, 0.9]).Should().Equal(1.0, 1.0);
}
