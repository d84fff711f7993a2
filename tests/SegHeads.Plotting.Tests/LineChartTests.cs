namespace SegHeads.Plotting.Tests;

public class LineChartTests
{
    private static readonly Rgba Red = new(255, 0, 0);

    [Fact]
    public void Render_SeriesWithNaNPoint_StillDrawsBothPiecesWithAGap()
    {
        double[] x = [.. Enumerable.Range(0, 11).Select(i => (double)i)];
        double[] y = [1, 1, 1, 1, 1, double.NaN, 1, 1, 1, 1, 1];
        var chart = new LineChart { YMin = 0, YMax = 2, ShowLegend = false };
        chart.AddLine("flat", x, y, color: Red);

        var canvas = chart.ToCanvas(400, 200);

        var redColumns = Enumerable.Range(0, canvas.Width)
            .Where(c => Enumerable.Range(0, canvas.Height).Any(r => canvas.GetPixel(c, r) == Red))
            .ToList();
        redColumns.Should().NotBeEmpty();
        int first = redColumns[0], last = redColumns[^1];
        var missing = Enumerable.Range(first, last - first + 1).Except(redColumns).ToList();
        missing.Should().HaveCountGreaterThan(20, "the NaN point removes the two segments around x = 5");
        missing.Should().OnlyContain(c => c > first + ((last - first) / 4) && c < last - ((last - first) / 4));
    }

    [Fact]
    public void Render_LogYWithZeroAndNegativeValues_SkipsThemWithoutThrowing()
    {
        var chart = new LineChart { LogY = true, Title = "loss", XLabel = "step", YLabel = "loss" };
        chart.Add(new Series("runs", [0, 1, 2, 3], [1.0, 0.0, -1.0, 0.01]).WithBand([0.5, -1, 0, 0.001], [2, 1, 1, 0.1]));

        var act = () => chart.ToCanvas(300, 200);

        act.Should().NotThrow();
    }

    [Fact]
    public void Render_Band_IsFilledSemiTransparentlyBetweenItsEdges()
    {
        var chart = new LineChart { YMin = 0, YMax = 10, XMin = 0, XMax = 1, ShowLegend = false };
        chart.Add(new Series("band", [0, 1], [5, 5]) { Color = Red, LineWidth = 0 }.WithBand([2, 2], [8, 8]));

        var canvas = chart.ToCanvas(300, 300);

        // Somewhere inside the band, well away from the grid lines, the pixel is a light red.
        var inside = FindPixels(canvas, p => p.R == 255 && p.G is > 150 and < 255 && p.G == p.B);
        inside.Should().HaveCountGreaterThan(1000);
        var outside = FindPixels(canvas, p => p == Red);
        outside.Should().BeEmpty("a band alone is never drawn opaque");
    }

    [Fact]
    public void Render_IntoSubRectangle_LeavesTheRestOfTheCanvasUntouched()
    {
        var chart = new LineChart { Title = "curves" };
        chart.AddLine("loss", [0, 1, 2], [3, 2, 1]);
        var canvas = new Canvas(600, 200);

        chart.Render(canvas, 300, 0, 300, 200);

        FindPixels(canvas, p => p != Rgba.White).Should().OnlyContain(p => p.X >= 300);
        FindPixels(canvas, p => p != Rgba.White).Should().NotBeEmpty();
    }

    [Fact]
    public void Render_EmptyChartOrTinyArea_DoesNotThrow()
    {
        var chart = new LineChart { Title = "nothing yet" };

        var act = () =>
        {
            chart.ToCanvas(300, 200);
            chart.ToCanvas(20, 20);
        };

        act.Should().NotThrow();
    }

    [Fact]
    public void SavePng_WritesDecodableImageOfRequestedSize()
    {
        var chart = new LineChart { Title = "curves", XLabel = "step", YLabel = "loss" };
        chart.AddLine("loss", [0, 100, 200], [2.3, 1.1, 0.7]).Marker = MarkerShape.Circle;
        chart.AddLine("theory", [0, 100, 200], [2.0, 1.0, 0.5], LineStyle.Dashed);
        string path = Path.Combine(Path.GetTempPath(), $"segheads-chart-{Guid.NewGuid():N}.png");
        try
        {
            chart.SavePng(path);

            var image = PngTestDecoder.Decode(File.ReadAllBytes(path));
            (image.Width, image.Height).Should().Be((900, 500));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Render_LegendWithFreeCorner_StaysInsideThePlot()
    {
        var chart = new LineChart();
        chart.AddLine("rising", [0, 1, 2, 3], [0, 1, 2, 3]);

        var canvas = chart.ToCanvas(400, 300);

        // Nothing is drawn in the right-hand margin: the legend found an empty corner inside.
        FindPixels(canvas, p => p != Rgba.White).Should().OnlyContain(p => p.X < 400 - 12);
    }

    [Fact]
    public void Render_LegendOverDataInEveryCorner_MovesOutsideToTheRight()
    {
        double[] x = [.. Enumerable.Range(0, 200).Select(i => (double)i)];
        LineChart Waves(bool legend)
        {
            var chart = new LineChart { ShowLegend = legend };
            for (int k = 0; k < 4; k++)
            {
                int phase = k;
                chart.AddLine($"wave {k}", x, [.. x.Select(v => Math.Sin((v / 6.0) + phase))]);
            }

            return chart;
        }

        int withLegend = RightFrameColumn(Waves(legend: true).ToCanvas(600, 300));
        int withoutLegend = RightFrameColumn(Waves(legend: false).ToCanvas(600, 300));

        withoutLegend.Should().BeGreaterThan(560);
        withLegend.Should().BeLessThan(withoutLegend - 60, "the plot narrows to make room for the legend");
    }

    // The right edge of the plot frame: the right-most column that is frame-coloured over most of its height.
    private static int RightFrameColumn(Canvas canvas)
    {
        var frame = new Rgba(96, 96, 96);
        return Enumerable.Range(0, canvas.Width)
            .Where(c => Enumerable.Range(0, canvas.Height).Count(r => canvas.GetPixel(c, r) == frame) > canvas.Height / 2)
            .Max();
    }

    private static List<(int X, int Y)> FindPixels(Canvas canvas, Func<Rgba, bool> predicate)
    {
        var found = new List<(int X, int Y)>();
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                if (predicate(canvas.GetPixel(x, y)))
                {
                    found.Add((x, y));
                }
            }
        }

        return found;
    }
}
