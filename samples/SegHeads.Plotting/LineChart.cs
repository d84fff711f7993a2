using SkiaSharp;
using SP = ScottPlot;

namespace SegHeads.Plotting;

/// <summary>
/// A line chart drawn by ScottPlot: series with optional shaded bands and markers, linear or log axes
/// (each with at least <see cref="Ticks.MinimumLabels"/> labelled ticks, see <see cref="Ticks"/>) and a
/// key of the named series below the plot. Put several into a <see cref="Figure"/> or save one alone
/// with <see cref="SavePng"/>.
/// </summary>
public sealed class LineChart
{
    /// <summary>Title drawn above the plot, or null.</summary>
    public string? Title { get; set; }

    /// <summary>X-axis label, or null.</summary>
    public string? XLabel { get; set; }

    /// <summary>Y-axis label, or null.</summary>
    public string? YLabel { get; set; }

    /// <summary>Log-scale y axis; values that are not positive are not drawn (they break lines).</summary>
    public bool LogY { get; set; }

    /// <summary>Log-scale x axis, for curves whose change happens early (training loss over steps);
    /// x values that are not positive are not drawn.</summary>
    public bool LogX { get; set; }

    /// <summary>Fixed lower x limit; null fits the data.</summary>
    public double? XMin { get; set; }

    /// <summary>Fixed upper x limit; null fits the data.</summary>
    public double? XMax { get; set; }

    /// <summary>Fixed lower y limit; null fits the data.</summary>
    public double? YMin { get; set; }

    /// <summary>Fixed upper y limit; null fits the data.</summary>
    public double? YMax { get; set; }

    /// <summary>Whether to draw the key (series with an empty name are always left out of it).</summary>
    public bool ShowLegend { get; set; } = true;

    /// <summary>Text size: 1 is the default, each step up enlarges all text by a quarter.</summary>
    public int FontScale { get; set; } = 1;

    /// <summary>A horizontal reference line (e.g. 0 for a residual panel), or null.</summary>
    public double? ReferenceY { get; set; }

    /// <summary>The series, drawn in order (later on top; bands under all lines).</summary>
    public IList<Series> Series { get; } = new List<Series>();

    /// <summary>Appends a series.</summary>
    /// <param name="series">The series to add.</param>
    /// <returns>The same series, for further styling.</returns>
    public Series Add(Series series)
    {
        ArgumentNullException.ThrowIfNull(series);
        Series.Add(series);
        return series;
    }

    /// <summary>Appends a plain line.</summary>
    /// <param name="name">Key text.</param>
    /// <param name="x">X values.</param>
    /// <param name="y">Y values.</param>
    /// <param name="style">Solid, dashed or dotted.</param>
    /// <param name="color">Colour; null picks from <see cref="Palette"/>.</param>
    /// <returns>The new series, for further styling.</returns>
    public Series AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, LineStyle style = LineStyle.Solid, Rgba? color = null) =>
        Add(new Series(name, x, y) { Style = style, Color = color });

    /// <summary>Appends the mean of several runs with a shaded spread band (see <see cref="Series.FromRuns"/>).</summary>
    /// <param name="name">Key text.</param>
    /// <param name="x">Shared x values.</param>
    /// <param name="runs">One y list per run.</param>
    /// <param name="spread">Min-max or plus/minus one standard deviation.</param>
    /// <param name="color">Colour; null picks from <see cref="Palette"/>.</param>
    /// <returns>The new series, for further styling.</returns>
    public Series AddRuns(string name, IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> runs, SpreadKind spread = SpreadKind.MinMax, Rgba? color = null)
    {
        var series = Plotting.Series.FromRuns(name, x, runs, spread);
        series.Color = color;
        return Add(series);
    }

    /// <summary>The visible x range and its ticks (data units), as drawn.</summary>
    internal (double Min, double Max, Ticks Ticks) XAxis()
    {
        // Only x values whose point can be drawn: a log-y series that starts at 0 must not stretch the x axis.
        var xs = Series.SelectMany(s => s.X.Where((x, i) => Drawable(s.Y[i], LogY)
                                                           || (s.Lower is not null && Drawable(s.Lower[i], LogY) && Drawable(s.Upper![i], LogY))));
        var (min, max) = Fit(xs, LogX, XMin, XMax, margin: 0.0);
        return (min, max, LogX ? Ticks.Log(min, max) : Ticks.Linear(min, max));
    }

    /// <summary>The visible y range and its ticks (data units), as drawn.</summary>
    internal (double Min, double Max, Ticks Ticks) YAxis()
    {
        var values = Series.SelectMany(s => s.Y.Concat(s.Lower ?? []).Concat(s.Upper ?? []));
        if (ReferenceY is { } reference)
        {
            values = values.Append(reference);
        }

        var (min, max) = Fit(values, LogY, YMin, YMax, margin: 0.04);
        return (min, max, LogY ? Ticks.Log(min, max) : Ticks.Linear(min, max));
    }

    /// <summary>Renders the chart alone (key below the plot).</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public RenderedImage ToCanvas(int width = 900, int height = 500)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 100);
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        surface.Canvas.Clear(SKColors.White);
        using SP.Plot plot = BuildPlot(ShowLegend);
        PlotRendering.Draw(plot, surface.Canvas, 0, 0, width, height);
        return new RenderedImage(surface, width, height);
    }

    /// <summary>Renders the chart alone and writes it as a PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public void SavePng(string path, int width = 900, int height = 500) => ToCanvas(width, height).SavePng(path);

    /// <summary>Key entries of the named series, in order.</summary>
    internal List<SP.LegendItem> LegendItems() =>
        Series.Select((s, i) => (Series: s, Index: i))
            .Where(e => e.Series.Name.Length > 0)
            .Select(e => LegendItem(e.Series, ColorOf(e.Index)))
            .ToList();

    /// <summary>A ScottPlot plot of this chart; the key goes below the plot when <paramref name="legend"/> is set.</summary>
    internal SP.Plot BuildPlot(bool legend)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FontScale, 1);
        var plot = new SP.Plot();
        TextFont.Apply(plot);
        float scale = 1f + (0.25f * (FontScale - 1));
        if (!string.IsNullOrEmpty(Title))
        {
            plot.Title(Title, 15 * scale);
        }

        if (!string.IsNullOrEmpty(XLabel))
        {
            plot.XLabel(XLabel, 13 * scale);
        }

        if (!string.IsNullOrEmpty(YLabel))
        {
            plot.YLabel(YLabel, 13 * scale);
        }

        plot.Axes.Bottom.TickLabelStyle.FontSize = 11 * scale;
        plot.Axes.Left.TickLabelStyle.FontSize = 11 * scale;
        plot.Grid.MajorLineColor = new SP.Color(0, 0, 0, 28);
        plot.Grid.MinorLineColor = new SP.Color(0, 0, 0, 12);
        plot.Grid.MinorLineWidth = 1;

        var (xMin, xMax, xTicks) = XAxis();
        var (yMin, yMax, yTicks) = YAxis();
        plot.Axes.Bottom.TickGenerator = Manual(xTicks, LogX);
        plot.Axes.Left.TickGenerator = Manual(yTicks, LogY);

        var colors = Enumerable.Range(0, Series.Count).Select(ColorOf).ToArray();
        for (int i = 0; i < Series.Count; i++)
        {
            AddBand(plot, Series[i], colors[i]);
        }

        if (ReferenceY is { } reference)
        {
            var line = plot.Add.HorizontalLine(ToAxis(reference, LogY));
            line.Color = new SP.Color(90, 90, 90);
            line.LineWidth = 1;
        }

        for (int i = 0; i < Series.Count; i++)
        {
            AddLine(plot, Series[i], colors[i]);
        }

        plot.Axes.SetLimits(ToAxis(xMin, LogX), ToAxis(xMax, LogX), ToAxis(yMin, LogY), ToAxis(yMax, LogY));
        var items = LegendItems();
        if (legend && items.Count > 0)
        {
            plot.Legend.ManualItems.AddRange(items);
            plot.Legend.FontSize = 11 * scale;
            plot.Legend.OutlineColor = new SP.Color(0, 0, 0, 40);
            plot.Legend.ShadowColor = new SP.Color(0, 0, 0, 0);
            plot.ShowLegend(SP.Edge.Bottom);
        }
        else
        {
            plot.HideLegend();
        }

        return plot;
    }

    internal static SP.MarkerShape ToScottPlot(MarkerShape shape) => shape switch
    {
        MarkerShape.Circle => SP.MarkerShape.FilledCircle,
        MarkerShape.Square => SP.MarkerShape.FilledSquare,
        MarkerShape.Diamond => SP.MarkerShape.FilledDiamond,
        MarkerShape.OpenCircle => SP.MarkerShape.OpenCircle,
        _ => SP.MarkerShape.None,
    };

    internal static SP.Color ToScottPlot(Rgba color) => new(color.R, color.G, color.B, color.A);

    private Rgba ColorOf(int index) => Series[index].Color ?? Palette.Category(index);

    private static SP.LegendItem LegendItem(Series series, Rgba color)
    {
        var c = ToScottPlot(color);
        var item = new SP.LegendItem
        {
            LabelText = series.Name,
            LineColor = c,
            LineWidth = (float)series.LineWidth,
            LinePattern = Pattern(series.Style),
            MarkerShape = ToScottPlot(series.Marker),
            MarkerSize = MarkerSize(series),
            MarkerFillColor = c,
            MarkerLineColor = c,
            MarkerLineWidth = 1.5f,
        };
        if (series.Lower is not null)
        {
            item.FillColor = ToScottPlot(color.WithOpacity(series.BandOpacity));
        }

        return item;
    }

    private static float MarkerSize(Series series) =>
        series.MarkerSize > 0 ? (float)series.MarkerSize : (float)Math.Max(6.0, (series.LineWidth * 2) + 3);

    private static SP.LinePattern Pattern(LineStyle style) => style switch
    {
        LineStyle.Dashed => SP.LinePattern.Dashed,
        LineStyle.Dotted => SP.LinePattern.Dotted,
        _ => SP.LinePattern.Solid,
    };

    private void AddBand(SP.Plot plot, Series series, Rgba color)
    {
        if (series.Lower is null || series.Upper is null)
        {
            return;
        }

        foreach (var segment in Segments(series.X, i => [series.Lower[i], series.Upper[i]]))
        {
            var xs = segment.Select(i => ToAxis(series.X[i], LogX)).ToArray();
            var lower = segment.Select(i => ToAxis(series.Lower[i], LogY)).ToArray();
            var upper = segment.Select(i => ToAxis(series.Upper[i], LogY)).ToArray();
            var fill = plot.Add.FillY(xs, lower, upper);
            fill.FillColor = ToScottPlot(color.WithOpacity(series.BandOpacity));
            fill.LineWidth = 0;
            fill.MarkerShape = SP.MarkerShape.None;
        }
    }

    private void AddLine(SP.Plot plot, Series series, Rgba color)
    {
        var c = ToScottPlot(color);
        foreach (var segment in Segments(series.X, i => [series.Y[i]]))
        {
            var xs = segment.Select(i => ToAxis(series.X[i], LogX)).ToArray();
            var ys = segment.Select(i => ToAxis(series.Y[i], LogY)).ToArray();
            if (series.LineWidth > 0)
            {
                var line = plot.Add.ScatterLine(xs, ys, c);
                line.LineWidth = (float)series.LineWidth;
                line.LinePattern = Pattern(series.Style);
            }

            if (series.Marker != MarkerShape.None)
            {
                int every = Math.Max(1, series.MarkerEvery);
                var mx = xs.Where((_, k) => k % every == 0).ToArray();
                var my = ys.Where((_, k) => k % every == 0).ToArray();
                var markers = plot.Add.ScatterPoints(mx, my, c);
                markers.MarkerShape = ToScottPlot(series.Marker);
                markers.MarkerSize = MarkerSize(series);
                markers.MarkerLineWidth = 1.5f;
            }
        }
    }

    // Runs of consecutive indices whose x and values can be drawn on this chart's axes.
    private List<List<int>> Segments(IReadOnlyList<double> x, Func<int, double[]> values)
    {
        var segments = new List<List<int>>();
        List<int>? current = null;
        for (int i = 0; i < x.Count; i++)
        {
            bool ok = Drawable(x[i], LogX) && values(i).All(v => Drawable(v, LogY));
            if (!ok)
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                current = [];
                segments.Add(current);
            }

            current.Add(i);
        }

        return segments;
    }

    private static bool Drawable(double value, bool log) => double.IsFinite(value) && (!log || value > 0);

    private static double ToAxis(double value, bool log) => log ? Math.Log10(value) : value;

    private static SP.TickGenerators.NumericManual Manual(Ticks ticks, bool log)
    {
        var generator = new SP.TickGenerators.NumericManual();
        foreach (var (value, label) in ticks.Major)
        {
            generator.AddMajor(ToAxis(value, log), label);
        }

        foreach (double value in ticks.Minor)
        {
            generator.AddMinor(ToAxis(value, log));
        }

        return generator;
    }

    // Visible range: the data (or the fixed limits) padded by a fraction of its span, in log space on log axes.
    private static (double Min, double Max) Fit(IEnumerable<double> data, bool log, double? fixedMin, double? fixedMax, double margin)
    {
        var values = data.Where(v => Drawable(v, log)).Select(v => ToAxis(v, log)).ToList();
        double? lo = fixedMin is { } a && Drawable(a, log) ? ToAxis(a, log) : null;
        double? hi = fixedMax is { } b && Drawable(b, log) ? ToAxis(b, log) : null;
        double dataMin = lo ?? (values.Count > 0 ? values.Min() : 0.0);
        double dataMax = hi ?? (values.Count > 0 ? values.Max() : 1.0);
        if (dataMax < dataMin)
        {
            (dataMin, dataMax) = (dataMax, dataMin);
        }

        if (dataMax - dataMin < 1e-12 * Math.Max(1.0, Math.Abs(dataMax)))
        {
            double half = log ? 0.15 : Math.Max(Math.Abs(dataMax) * 0.1, 0.5);
            (dataMin, dataMax) = (dataMin - half, dataMax + half);
        }

        double span = dataMax - dataMin;
        double min = lo ?? dataMin - (margin * span);
        double max = hi ?? dataMax + (margin * span);
        return log ? (Math.Pow(10.0, min), Math.Pow(10.0, max)) : (min, max);
    }
}
