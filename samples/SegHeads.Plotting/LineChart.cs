namespace SegHeads.Plotting;

/// <summary>
/// A line chart: series with optional shaded bands and markers, nice ticks, gridlines, optional log-scale
/// y and a legend placed in the plot corner that hides the least data. Render several into one
/// <see cref="Canvas"/> (see <see cref="Figure"/>) or save one directly with <see cref="SavePng"/>.
/// </summary>
public sealed class LineChart
{
    private const int Pad = 10;
    private const int TickLength = 4;
    private static readonly Rgba TextColor = new(34, 34, 34);
    private static readonly Rgba FrameColor = new(96, 96, 96);
    private static readonly Rgba GridColor = new(226, 226, 226);
    private static readonly Rgba MinorGridColor = new(242, 242, 242);

    /// <summary>Title drawn above the plot, or null.</summary>
    public string? Title { get; set; }

    /// <summary>X-axis label, or null.</summary>
    public string? XLabel { get; set; }

    /// <summary>Y-axis label (drawn rotated), or null.</summary>
    public string? YLabel { get; set; }

    /// <summary>Log-scale y axis; values that are not positive are not drawn (they break lines).</summary>
    public bool LogY { get; set; }

    /// <summary>Fixed lower x limit; null fits the data.</summary>
    public double? XMin { get; set; }

    /// <summary>Fixed upper x limit; null fits the data.</summary>
    public double? XMax { get; set; }

    /// <summary>Fixed lower y limit; null fits the data.</summary>
    public double? YMin { get; set; }

    /// <summary>Fixed upper y limit; null fits the data.</summary>
    public double? YMax { get; set; }

    /// <summary>Whether to draw the legend (series with an empty name are always left out).</summary>
    public bool ShowLegend { get; set; } = true;

    /// <summary>Font scale of tick labels and the legend; titles and axis labels use one step more.</summary>
    public int FontScale { get; set; } = 1;

    /// <summary>The series, drawn in order (later on top).</summary>
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
    /// <param name="name">Legend text.</param>
    /// <param name="x">X values.</param>
    /// <param name="y">Y values.</param>
    /// <param name="style">Solid, dashed or dotted.</param>
    /// <param name="color">Colour; null picks from <see cref="Palette"/>.</param>
    /// <returns>The new series, for further styling.</returns>
    public Series AddLine(string name, IReadOnlyList<double> x, IReadOnlyList<double> y, LineStyle style = LineStyle.Solid, Rgba? color = null) =>
        Add(new Series(name, x, y) { Style = style, Color = color });

    /// <summary>Appends the mean of several runs with a shaded spread band (see <see cref="Series.FromRuns"/>).</summary>
    /// <param name="name">Legend text.</param>
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

    /// <summary>Renders the chart into the rectangle (<paramref name="x"/>, <paramref name="y"/>,
    /// <paramref name="width"/>, <paramref name="height"/>) of <paramref name="canvas"/>.</summary>
    /// <param name="canvas">Target canvas.</param>
    /// <param name="x">Left edge of the chart's rectangle.</param>
    /// <param name="y">Top edge of the chart's rectangle.</param>
    /// <param name="width">Width of the rectangle.</param>
    /// <param name="height">Height of the rectangle.</param>
    public void Render(Canvas canvas, int x, int y, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        ArgumentOutOfRangeException.ThrowIfLessThan(FontScale, 1);
        int fs = FontScale;
        int ls = FontScale + 1;

        var plot = Layout(x, y, width, height, reserveRight: 0);
        if (plot is null)
        {
            return;
        }

        var projected = Project(plot);
        var legend = ShowLegend ? Legend.Create(projected, fs) : null;
        (int X, int Y)? legendAt = null;
        if (legend is not null)
        {
            // Inside, in the corner hiding the least data; outside on the right if every corner hides a lot.
            var inside = legend.BestCorner(plot, projected);
            if (inside is { Score: <= Legend.AcceptableOverlap } corner)
            {
                legendAt = (corner.X, corner.Y);
            }
            else if (Layout(x, y, width, height, reserveRight: legend.Width + Legend.OutsideGap) is { } narrowed
                     && narrowed.Width >= plot.Width * 0.6)
            {
                plot = narrowed;
                projected = Project(plot);
                legendAt = (plot.Left + plot.Width + Legend.OutsideGap, plot.Top);
            }
            else if (inside is { } fallback)
            {
                legendAt = (fallback.X, fallback.Y);
            }
        }

        DrawGrid(canvas, plot);
        canvas.SetClip(plot.Left, plot.Top, plot.Width, plot.Height);
        foreach (var p in projected)
        {
            foreach (var polygon in p.BandPolygons)
            {
                canvas.FillPolygon(polygon, p.Color.WithOpacity(p.Series.BandOpacity));
            }
        }

        foreach (var p in projected)
        {
            DrawLineAndMarkers(canvas, p);
        }

        canvas.ResetClip();
        canvas.DrawRect(plot.Left, plot.Top, plot.Width, plot.Height, FrameColor);
        DrawTicks(canvas, plot, fs, x, width);

        if (!string.IsNullOrEmpty(Title))
        {
            int titleWidth = Canvas.MeasureText(Title, ls, bold: true).Width;
            int titleX = Math.Clamp(plot.Left + ((plot.Width - titleWidth) / 2), x + Pad, Math.Max(x + Pad, x + width - Pad - titleWidth));
            canvas.DrawText(Title, titleX, y + Pad, TextColor, ls, bold: true);
        }

        if (!string.IsNullOrEmpty(XLabel))
        {
            int labelWidth = Canvas.MeasureText(XLabel, ls).Width;
            canvas.DrawText(XLabel, plot.Left + ((plot.Width - labelWidth) / 2), plot.Bottom + TickLength + 6 + (7 * fs) + 8, TextColor, ls);
        }

        if (!string.IsNullOrEmpty(YLabel))
        {
            int labelWidth = Canvas.MeasureText(YLabel, ls).Width;
            canvas.DrawTextVertical(YLabel, x + Pad, plot.Top + ((plot.Height - labelWidth) / 2), TextColor, ls);
        }

        if (legend is not null && legendAt is { } at)
        {
            legend.Draw(canvas, at.X, at.Y, TextColor);
        }
    }

    /// <summary>Renders the chart alone onto a new white canvas.</summary>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public Canvas ToCanvas(int width = 900, int height = 500)
    {
        var canvas = new Canvas(width, height);
        Render(canvas, 0, 0, width, height);
        return canvas;
    }

    /// <summary>Renders the chart alone and writes it as a PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    public void SavePng(string path, int width = 900, int height = 500) => ToCanvas(width, height).SavePng(path);

    private Rgba ColorOf(int index) => Series[index].Color ?? Palette.Category(index);

    private IEnumerable<double> YValues()
    {
        foreach (var s in Series)
        {
            foreach (double v in s.Y)
            {
                yield return v;
            }

            foreach (double v in (s.Lower ?? []).Concat(s.Upper ?? []))
            {
                yield return v;
            }
        }
    }

    private static void DrawGrid(Canvas canvas, PlotArea plot)
    {
        foreach (double v in plot.YAxis.MinorTicks)
        {
            canvas.FillRect(plot.Left, plot.PixelRowOf(v), plot.Width, 1, MinorGridColor);
        }

        foreach (var (v, _) in plot.XAxis.Ticks)
        {
            canvas.FillRect(plot.PixelColumnOf(v), plot.Top, 1, plot.Height, GridColor);
        }

        foreach (var (v, _) in plot.YAxis.Ticks)
        {
            canvas.FillRect(plot.Left, plot.PixelRowOf(v), plot.Width, 1, GridColor);
        }
    }

    private static void DrawTicks(Canvas canvas, PlotArea plot, int fs, int chartLeft, int chartWidth)
    {
        foreach (var (v, label) in plot.XAxis.Ticks)
        {
            int column = plot.PixelColumnOf(v);
            canvas.FillRect(column, plot.Bottom, 1, TickLength, FrameColor);
            int labelWidth = Canvas.MeasureText(label, fs).Width;
            int labelX = Math.Clamp(column - (labelWidth / 2), chartLeft, Math.Max(chartLeft, chartLeft + chartWidth - labelWidth));
            canvas.DrawText(label, labelX, plot.Bottom + TickLength + 4, TextColor, fs);
        }

        foreach (var (v, label) in plot.YAxis.Ticks)
        {
            int row = plot.PixelRowOf(v);
            canvas.FillRect(plot.Left - TickLength, row, TickLength, 1, FrameColor);
            int labelWidth = Canvas.MeasureText(label, fs).Width;
            canvas.DrawText(label, plot.Left - TickLength - 4 - labelWidth, row - ((7 * fs) / 2), TextColor, fs);
        }
    }

    // Places the plot rectangle and fits both axes; null when the rectangle is too small to draw in.
    private PlotArea? Layout(int x, int y, int width, int height, int reserveRight)
    {
        int fs = FontScale;
        int labelTextHeight = 7 * (FontScale + 1);
        int plotTop = y + Pad + (string.IsNullOrEmpty(Title) ? 4 : labelTextHeight + 12);
        int plotBottom = y + height - Pad - (7 * fs) - TickLength - 6
            - (string.IsNullOrEmpty(XLabel) ? 0 : labelTextHeight + 8);
        int plotHeight = plotBottom - plotTop;
        if (plotHeight < 20)
        {
            return null;
        }

        var yAxis = Axis.Create(YValues(), LogY, YMin, YMax, Math.Clamp(plotHeight / 40, 3, 9), margin: 0.04);
        int yTickWidth = yAxis.Ticks.Select(t => Canvas.MeasureText(t.Label, fs).Width).DefaultIfEmpty(0).Max();
        int plotLeft = x + Pad + (string.IsNullOrEmpty(YLabel) ? 0 : labelTextHeight + 10) + yTickWidth + TickLength + 4;
        int plotRight = x + width - Pad - Math.Max(12 * fs, reserveRight);
        int plotWidth = plotRight - plotLeft;
        if (plotWidth < 20)
        {
            return null;
        }

        var xAxis = Axis.Create(Series.SelectMany(s => s.X), log: false, XMin, XMax, Math.Clamp(plotWidth / 60, 3, 10), margin: 0.0);
        return new PlotArea(plotLeft, plotTop, plotWidth, plotHeight, xAxis, yAxis);
    }

    // Maps every series to pixel coordinates: its polyline (NaN where it breaks) and band polygons.
    private List<ProjectedSeries> Project(PlotArea plot)
    {
        var result = new List<ProjectedSeries>(Series.Count);
        for (int s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            var line = new List<(double X, double Y)>(series.X.Count);
            for (int i = 0; i < series.X.Count; i++)
            {
                line.Add(plot.ToPixel(series.X[i], series.Y[i]));
            }

            var polygons = new List<List<(double X, double Y)>>();
            if (series.Lower is { } lower && series.Upper is { } upper)
            {
                // Each run of consecutive drawable x becomes one polygon: along the upper edge, back along the lower.
                var top = new List<(double X, double Y)>();
                var bottom = new List<(double X, double Y)>();
                for (int i = 0; i <= series.X.Count; i++)
                {
                    if (i < series.X.Count && TryBandPoint(plot, series.X[i], lower[i], upper[i], out var t, out var b))
                    {
                        top.Add(t);
                        bottom.Add(b);
                        continue;
                    }

                    if (top.Count >= 2)
                    {
                        bottom.Reverse();
                        polygons.Add([.. top, .. bottom]);
                    }

                    top.Clear();
                    bottom.Clear();
                }
            }

            result.Add(new ProjectedSeries(series, ColorOf(s), line, polygons));
        }

        return result;
    }

    private static void DrawLineAndMarkers(Canvas canvas, ProjectedSeries projected)
    {
        var series = projected.Series;
        if (series.LineWidth > 0)
        {
            canvas.DrawPolyline(projected.Line, projected.Color, series.LineWidth, series.Style);
        }

        if (series.Marker != MarkerShape.None)
        {
            foreach (var p in projected.Line)
            {
                DrawMarker(canvas, series.Marker, p.X, p.Y, MarkerRadius(series), projected.Color);
            }
        }
    }

    internal static double MarkerRadius(Series series) => Math.Max(2.5, series.LineWidth * 1.6);

    private static bool TryBandPoint(PlotArea plot, double x, double lower, double upper, out (double X, double Y) top, out (double X, double Y) bottom)
    {
        // On a log axis a band edge at or below zero is pinned to the bottom of the plot.
        double lowerFraction = plot.YAxis.IsLog && lower <= 0 ? 0.0 : plot.YAxis.Fraction(lower);
        top = plot.ToPixel(x, upper);
        bottom = (top.X, plot.RowOfFraction(lowerFraction));
        return double.IsFinite(top.X) && double.IsFinite(top.Y) && double.IsFinite(bottom.Y);
    }

    internal static void DrawMarker(Canvas canvas, MarkerShape shape, double x, double y, double radius, Rgba color)
    {
        if (!double.IsFinite(x) || !double.IsFinite(y))
        {
            return;
        }

        switch (shape)
        {
            case MarkerShape.Circle:
                canvas.FillCircle(x, y, radius, color);
                break;
            case MarkerShape.Square:
                double h = radius * 0.9;
                canvas.FillPolygon([(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h)], color);
                break;
            case MarkerShape.Diamond:
                double d = radius * 1.25;
                canvas.FillPolygon([(x, y - d), (x + d, y), (x, y + d), (x - d, y)], color);
                break;
            default:
                break;
        }
    }
}
