namespace SegHeads.Plotting.Tests;

public sealed class LineChartTests : IDisposable
{
    private static readonly double[] Steps = Enumerable.Range(1, 400).Select(i => (double)i).ToArray();
    private readonly RenderedPng temp = new();

    [Fact]
    public void SavePng_LinesBandsAndMarkers_DecodesAtTheRequestedSizeWithContent()
    {
        var chart = new LineChart { Title = "loss", XLabel = "step", YLabel = "loss" };
        chart.AddRuns("3-3-1", Steps, [Curve(0.20, 1.0), Curve(0.21, 1.1), Curve(0.19, 0.9)]);
        chart.AddLine("5x5", Steps, Curve(0.18, 1.2), LineStyle.Dashed).Marker = MarkerShape.Circle;
        string path = temp.PathFor("chart.png");

        chart.SavePng(path, 700, 420);

        using var bitmap = RenderedPng.Decode(path);
        bitmap.Width.Should().Be(700);
        bitmap.Height.Should().Be(420);
        RenderedPng.DistinctColours(bitmap).Should().BeGreaterThan(50);
        RenderedPng.InkFraction(bitmap).Should().BeInRange(0.01, 0.6);
        RenderedPng.Count(bitmap, Palette.Category(1)).Should().BeGreaterThan(20, "the dashed line and its markers are drawn in the second colour");
    }

    [Fact]
    public void LogAxes_NarrowLossRange_HaveAtLeastFourLabelledTicksEach()
    {
        var chart = new LineChart { LogX = true, LogY = true };
        double[] loss = Curve(0.18, 0.07);
        chart.AddLine("loss", Steps, loss);

        var (xMin, xMax, xTicks) = chart.XAxis();
        var (yMin, yMax, yTicks) = chart.YAxis();

        xMin.Should().BeApproximately(1, 1e-9);
        xMax.Should().BeApproximately(400, 1e-6);
        yMin.Should().BeLessThan(loss.Min()).And.BeGreaterThan(0.17);
        yMax.Should().BeGreaterThan(loss.Max()).And.BeLessThan(0.26);
        xTicks.Major.Count.Should().BeGreaterThanOrEqualTo(Ticks.MinimumLabels);
        yTicks.Major.Count.Should().BeGreaterThanOrEqualTo(Ticks.MinimumLabels);
    }

    [Fact]
    public void LogY_NonPositiveValues_AreLeftOutOfTheAxisRange()
    {
        var chart = new LineChart { LogY = true };
        chart.AddLine("gap", [0, 20, 40], [0, 1.9, 0.5]);

        var (xMin, _, _) = chart.XAxis();
        var (yMin, _, _) = chart.YAxis();

        xMin.Should().Be(20, "the point at x = 0 has y = 0, which a log axis cannot show");
        yMin.Should().BeGreaterThan(0);
    }

    [Fact]
    public void BuildPlot_NamedSeries_AreTheKeyAndUnnamedOnesAreNot()
    {
        var chart = new LineChart();
        chart.AddLine("simulation", [0, 1, 2], [0, 1, 2]);
        chart.AddLine(string.Empty, [0, 1, 2], [0, 1, 1.5]).Marker = MarkerShape.OpenCircle;
        chart.AddRuns("runs", [0, 1, 2], [[1, 1, 1], [2, 2, 2]]);

        using var plot = chart.BuildPlot(legend: true);

        plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Should().ContainSingle("the key sits in a panel below the plot");
        plot.Legend.GetItems().Select(i => i.LabelText).Should().Equal("simulation", "runs");
    }

    [Fact]
    public void BuildPlot_ShowLegendOff_HasNoKey()
    {
        var chart = new LineChart { ShowLegend = false };
        chart.AddLine("a", [0, 1], [0, 1]);

        using var plot = chart.BuildPlot(legend: chart.ShowLegend);

        plot.Legend.IsVisible.Should().BeFalse();
        plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Should().BeEmpty();
    }

    [Fact]
    public void SavePng_EmptyAndNaNSeries_StillRenders()
    {
        var chart = new LineChart { LogY = true };
        chart.AddLine("key only", [], []);
        chart.AddLine("gappy", [1, 2, 3, 4], [1, double.NaN, -1, 2]);
        string path = temp.PathFor("gappy.png");

        chart.SavePng(path, 300, 200);

        using var bitmap = RenderedPng.Decode(path);
        bitmap.Width.Should().Be(300);
    }

    public void Dispose() => temp.Dispose();

    // A loss-like curve: from start + drop down to start, mostly in the first 50 steps.
    private static double[] Curve(double floor, double drop) => Steps.Select(s => floor + (drop * Math.Exp(-s / 15.0))).ToArray();
}
