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
        int tickTextHeight = 7 * fs;
        int labelTextHeight = 7 * ls;

        int plotTop = y + Pad + (string.IsNullOrEmpty(Title) ? 4 : labelTextHeight + 12);
        int plotBottom = y + height - Pad - tickTextHeight - TickLength - 6
            - (string.IsNullOrEmpty(XLabel) ? 0 : labelTextHeight + 8);
        int plotHeight = plotBottom - plotTop;
        if (plotHeight < 20)
        {
            return;
        }

        var yAxis = Axis.Create(YValues(), LogY, YMin, YMax, Math.Clamp(plotHeight / 55, 3, 9), margin: 0.04);
        int yTickWidth = yAxis.Ticks.Select(t => Canvas.MeasureText(t.Label, fs).Width).DefaultIfEmpty(0).Max();
        int plotLeft = x + Pad + (string.IsNullOrEmpty(YLabel) ? 0 : labelTextHeight + 10) + yTickWidth + TickLength + 4;
        int plotRight = x + width - Pad - (12 * fs);
        int plotWidth = plotRight - plotLeft;
        if (plotWidth < 20)
        {
            return;
        }

        var xAxis = Axis.Create(Series.SelectMany(s => s.X), log: false, XMin, XMax, Math.Clamp(plotWidth / 90, 3, 11), margin: 0.0);
        var plot = new PlotArea(plotLeft, plotTop, plotWidth, plotHeight, xAxis, yAxis);

        DrawGrid(canvas, plot);
        canvas.SetClip(plot.Left, plot.Top, plot.Width, plot.Height);
        var drawn = new List<DrawnSeries>();
        for (int i = 0; i < Series.Count; i++)
        {
            drawn.Add(DrawSeries(canvas, plot, Series[i], ColorOf(i)));
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
            canvas.DrawText(XLabel, plot.Left + ((plot.Width - labelWidth) / 2), plot.Bottom + TickLength + 6 + tickTextHeight + 8, TextColor, ls);
        }

        if (!string.IsNullOrEmpty(YLabel))
        {
            int labelWidth = Canvas.MeasureText(YLabel, ls).Width;
            canvas.DrawTextVertical(YLabel, x + Pad, plot.Top + ((plot.Height - labelWidth) / 2), TextColor, ls);
        }

        if (ShowLegend)
        {
            DrawLegend(canvas, plot, drawn, fs);
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

    private static DrawnSeries DrawSeries(Canvas canvas, PlotArea plot, Series series, Rgba color)
    {
        var line = new List<(double X, double Y)>(series.X.Count);
        for (int i = 0; i < series.X.Count; i++)
        {
            line.Add(plot.ToPixel(series.X[i], series.Y[i]));
        }

        var bandEdges = new List<(double X, double Y)>();
        if (series.Lower is { } lower && series.Upper is { } upper)
        {
            var polygon = new List<(double X, double Y)>();
            for (int i = 0; i <= series.X.Count; i++)
            {
                (double X, double Y) top = default, bottom = default;
                bool ok = i < series.X.Count && TryBandPoint(plot, series.X[i], lower[i], upper[i], out top, out bottom);
                if (ok)
                {
                    polygon.Add(top);
                    bandEdges.Add(top);
                    bandEdges.Add(bottom);
                    continue;
                }

                // A gap (or the end) closes the current band piece: walk back along its lower edge.
                if (polygon.Count >= 2)
                {
                    int count = polygon.Count;
                    for (int j = i - 1; j >= i - count; j--)
                    {
                        TryBandPoint(plot, series.X[j], lower[j], upper[j], out _, out var b);
                        polygon.Add(b);
                    }

                    canvas.FillPolygon(polygon, color.WithOpacity(series.BandOpacity));
                }

                polygon.Clear();
            }
        }

        if (series.LineWidth > 0)
        {
            canvas.DrawPolyline(line, color, series.LineWidth, series.Style);
        }

        if (series.Marker != MarkerShape.None)
        {
            double radius = Math.Max(2.5, series.LineWidth * 1.6);
            foreach (var p in line)
            {
                DrawMarker(canvas, series.Marker, p.X, p.Y, radius, color);
            }
        }

        return new DrawnSeries(series, color, line, bandEdges);
    }

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

    private static void DrawLegend(Canvas canvas, PlotArea plot, List<DrawnSeries> drawn, int fs)
    {
        var entries = drawn.Where(d => d.Series.Name.Length > 0).ToList();
        if (entries.Count == 0)
        {
            return;
        }

        const int SampleWidth = 26;
        const int Inset = 8;
        int rowHeight = Math.Max(9 * fs, 10) + 5;
        int nameWidth = entries.Max(e => Canvas.MeasureText(e.Series.Name, fs).Width);
        int boxWidth = 8 + SampleWidth + 6 + nameWidth + 8;
        int boxHeight = 6 + (entries.Count * rowHeight) + 1;
        if (boxWidth > plot.Width - (2 * Inset) || boxHeight > plot.Height - (2 * Inset))
        {
            return;
        }

        // Corners in order of preference; pick the one that hides the fewest drawn points.
        int leftX = plot.Left + Inset;
        int rightX = plot.Left + plot.Width - Inset - boxWidth;
        int topY = plot.Top + Inset;
        int bottomY = plot.Top + plot.Height - Inset - boxHeight;
        (int X, int Y)[] candidates = [(rightX, topY), (leftX, topY), (rightX, bottomY), (leftX, bottomY)];
        var samples = LegendPlacement.Sample(drawn);
        var (boxX, boxY) = candidates.MinBy(c => LegendPlacement.Score(samples, c.X, c.Y, boxWidth, boxHeight));

        canvas.FillRect(boxX, boxY, boxWidth, boxHeight, Rgba.White.WithOpacity(0.88));
        canvas.DrawRect(boxX, boxY, boxWidth, boxHeight, new Rgba(200, 200, 200));
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            int rowTop = boxY + 5 + (i * rowHeight);
            double centerY = rowTop + ((rowHeight - 5) / 2.0);
            int sampleLeft = boxX + 8;
            if (entry.Series.Lower is not null)
            {
                canvas.FillRect(sampleLeft, (int)centerY - 5, SampleWidth, 11, entry.Color.WithOpacity(entry.Series.BandOpacity));
            }

            if (entry.Series.LineWidth > 0)
            {
                double mid = Math.Floor(centerY) + 0.5;
                canvas.DrawLine(sampleLeft + 2, mid, sampleLeft + SampleWidth - 2, mid, entry.Color, entry.Series.LineWidth, entry.Series.Style);
            }

            if (entry.Series.Marker != MarkerShape.None)
            {
                DrawMarker(canvas, entry.Series.Marker, sampleLeft + (SampleWidth / 2.0), Math.Floor(centerY) + 0.5, Math.Max(2.5, entry.Series.LineWidth * 1.6), entry.Color);
            }

            canvas.DrawText(entry.Series.Name, sampleLeft + SampleWidth + 6, (int)Math.Round(centerY - (3.5 * fs)), TextColor, fs);
        }
    }
}
