namespace SegHeads.Plotting.Tests;

public class SeriesTests
{
    private static readonly double[] X = [0, 1, 2];

    [Fact]
    public void FromRuns_MinMax_GivesMeanLineAndExtremesBand()
    {
        var series = Series.FromRuns("head", X, [[1, 2, 3], [3, 4, 5]]);

        series.Y.Should().Equal(2, 3, 4);
        series.Lower.Should().Equal(1, 2, 3);
        series.Upper.Should().Equal(3, 4, 5);
    }

    [Fact]
    public void FromRuns_StdDev_GivesMeanPlusMinusPopulationStd()
    {
        var series = Series.FromRuns("head", X, [[1, 2, 3], [3, 4, 5]], SpreadKind.StdDev);

        series.Lower.Should().Equal(1, 2, 3);
        series.Upper.Should().Equal(3, 4, 5);
    }

    [Fact]
    public void FromRuns_NaNs_AreIgnoredAndAllNaNGivesGap()
    {
        var series = Series.FromRuns("head", X, [[1, double.NaN, double.NaN], [3, 4, double.NaN]]);

        series.Y[0].Should().Be(2);
        series.Y[1].Should().Be(4);
        double.IsNaN(series.Y[2]).Should().BeTrue();
    }

    [Fact]
    public void Constructor_MismatchedLengths_Throws()
    {
        var act = () => new Series("bad", [0, 1], [1]);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void WithBand_MismatchedLengths_Throws()
    {
        var act = () => new Series("s", X, X).WithBand([0, 1], [1, 2, 3]);

        act.Should().Throw<ArgumentException>();
    }
}
