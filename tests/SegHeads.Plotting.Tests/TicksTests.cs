namespace SegHeads.Plotting.Tests;

public class TicksTests
{
    public static TheoryData<double, double> LogRanges => new()
    {
        { 0.18, 0.25 },
        { 0.88, 0.95 },
        { 0.5, 2.0 },
        { 0.9, 1.4 },
        { 0.03, 0.3 },
        { 1e-3, 5.0 },
        { 1e-6, 1.0 },
        { 3e-13, 2e3 },
        { 1.0, 400.0 },
    };

    public static TheoryData<double, double> LinearRanges => new()
    {
        { 0.0, 1.0 },
        { 0.4, 0.44 },
        { -0.042, 0.003 },
        { 1.0, 400.0 },
        { 0.0, 2000.0 },
        { 0.4321, 0.4329 },
        { -5e6, 3e6 },
    };

    [Theory]
    [MemberData(nameof(LogRanges))]
    public void Log_AnyRange_GivesAtLeastFourLabelsInsideTheRange(double min, double max)
    {
        var ticks = Ticks.Log(min, max);

        ticks.Major.Count.Should().BeGreaterThanOrEqualTo(Ticks.MinimumLabels);
        ticks.Major.Should().OnlyContain(t => t.Value >= min * (1 - 1e-9) && t.Value <= max * (1 + 1e-9));
        ticks.Major.Select(t => t.Value).Should().BeInAscendingOrder();
        ticks.Major.Select(t => t.Label).Should().OnlyHaveUniqueItems().And.NotContain(string.Empty);
    }

    [Fact]
    public void Log_NarrowRange_LabelsNiceValues()
    {
        var ticks = Ticks.Log(0.18, 0.25);

        ticks.Major.Select(t => t.Label).Should().Equal("0.18", "0.20", "0.22", "0.24");
    }

    [Fact]
    public void Log_ManyDecades_ThinsPowersOfTenAndKeepsOthersAsMinorTicks()
    {
        var ticks = Ticks.Log(1e-12, 1e3, maxLabels: 8);

        ticks.Major.Count.Should().BeInRange(Ticks.MinimumLabels, 8);
        ticks.Minor.Should().NotBeEmpty();
        ticks.Minor.Should().OnlyContain(v => !ticks.Major.Any(t => Math.Abs((t.Value / v) - 1) < 1e-9));
    }

    [Fact]
    public void Log_OneDecade_LabelsOneTwoFive()
    {
        var ticks = Ticks.Log(0.1, 1.0);

        ticks.Major.Select(t => t.Value).Should().Equal([0.1, 0.2, 0.5, 1.0], (a, b) => Math.Abs(a - b) < 1e-12);
        ticks.Minor.Should().Contain(v => Math.Abs(v - 0.3) < 1e-12);
    }

    [Fact]
    public void Log_LossFromBelowOneToAlmostTwo_HasALabelAboveOne()
    {
        var ticks = Ticks.Log(0.35, 1.8);

        ticks.Major.Should().Contain(t => t.Value > 1, "a curve that starts at 1.8 should not have its top decade unlabelled");
    }

    [Theory]
    [MemberData(nameof(LinearRanges))]
    public void Linear_AnyRange_GivesAtLeastFourEvenlySpacedLabels(double min, double max)
    {
        var ticks = Ticks.Linear(min, max);

        ticks.Major.Count.Should().BeInRange(Ticks.MinimumLabels, 11);
        ticks.Major.Should().OnlyContain(t => t.Value >= min - 1e-9 && t.Value <= max + 1e-9);
        var gaps = ticks.Major.Zip(ticks.Major.Skip(1), (a, b) => b.Value - a.Value).ToArray();
        gaps.Should().OnlyContain(g => Math.Abs(g - gaps[0]) < 1e-9 * Math.Max(1, Math.Abs(gaps[0])));
        ticks.Major.Select(t => t.Label).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void Linear_InvalidRange_ThrowsNamingTheValues()
    {
        var act = () => Ticks.Linear(1, 1);

        act.Should().Throw<ArgumentException>().WithMessage("*min = 1*max = 1*");
    }

    [Theory]
    [InlineData(0.5, "0.5")]
    [InlineData(1000.0, "1000")]
    [InlineData(2e-5, "2e-5")]
    [InlineData(1e6, "1e6")]
    [InlineData(0.0, "0")]
    public void Format_GivesShortLabels(double value, string expected)
    {
        Ticks.Format(value).Should().Be(expected);
    }
}
