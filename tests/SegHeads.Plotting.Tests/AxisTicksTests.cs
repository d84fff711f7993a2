namespace SegHeads.Plotting.Tests;

public class AxisTicksTests
{
    [Fact]
    public void Linear_ZeroToOne_GivesStepsOfPointTwo()
    {
        AxisTicks.Linear(0, 1).Should().Equal(0, 0.2, 0.4, 0.6, 0.8, 1.0);
    }

    [Fact]
    public void Linear_ZeroTo2000_GivesStepsOf500()
    {
        AxisTicks.Linear(0, 2000).Should().Equal(0, 500, 1000, 1500, 2000);
    }

    [Theory]
    [InlineData(0.0, 100.0, 0.0, 20.0)]
    [InlineData(0.13, 2.3, 0.5, 0.5)]
    [InlineData(-1.0, 1.0, -1.0, 0.5)]
    [InlineData(0.001, 0.0047, 0.001, 0.001)]
    public void Linear_VariousRanges_UsesNiceStepAndStaysInRange(double min, double max, double expectedFirst, double expectedStep)
    {
        var ticks = AxisTicks.Linear(min, max);

        ticks[0].Should().BeApproximately(expectedFirst, 1e-12);
        ticks.Should().OnlyContain(t => t >= min - 1e-12 && t <= max + 1e-12);
        ticks.Zip(ticks.Skip(1), (a, b) => b - a).Should().OnlyContain(d => Math.Abs(d - expectedStep) < 1e-9);
        ticks.Count.Should().BeInRange(2, 6);
    }

    [Fact]
    public void Linear_TickValues_HaveNoFloatingPointNoise()
    {
        var ticks = AxisTicks.Linear(0, 0.7, maxTicks: 8);

        ticks.Should().Equal(0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7);
        ticks.Select(AxisTicks.Format).Should().Equal("0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7");
    }

    [Fact]
    public void NiceRange_RoundsOutwardsToTicks()
    {
        AxisTicks.NiceRange(0.13, 2.3).Should().Be((0.0, 2.5));
    }

    [Fact]
    public void Log_CoversDecades()
    {
        AxisTicks.Log(1e-3, 10).Should().Equal(1e-3, 1e-2, 1e-1, 1, 10);
    }

    [Fact]
    public void Log_ManyDecades_IsThinned()
    {
        AxisTicks.Log(1e-12, 1e12, maxTicks: 6).Count.Should().BeLessThanOrEqualTo(6);
    }

    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.25, "0.25")]
    [InlineData(-0.2, "-0.2")]
    [InlineData(0.001, "1e-3")]
    [InlineData(0.00025, "2.5e-4")]
    [InlineData(2000.0, "2000")]
    [InlineData(12500.0, "12.5k")]
    [InlineData(3_000_000.0, "3M")]
    [InlineData(1e10, "1e10")]
    [InlineData(double.NaN, "NaN")]
    public void Format_Values_AreCompact(double value, string expected)
    {
        AxisTicks.Format(value).Should().Be(expected);
    }

    [Fact]
    public void FormatAll_LargeAxis_UsesOneSuffixForEveryTick()
    {
        AxisTicks.FormatAll([0, 2500, 5000, 7500, 10000]).Should().Equal("0", "2.5k", "5k", "7.5k", "10k");
    }

    [Fact]
    public void FormatAll_SmallSteps_UsesPlainDecimals()
    {
        AxisTicks.FormatAll([0, 0.00025, 0.0005, 0.00075]).Should().Equal("0", "0.00025", "0.0005", "0.00075");
    }
}
