namespace SegHeads.Plotting;

/// <summary>The legend box of a <see cref="LineChart"/>: its size, where it hides the least data, and drawing.</summary>
internal sealed class Legend
{
    /// <summary>Largest overlap score (about half a pixel of hidden line per point) still fine inside the plot.</summary>
    public const double AcceptableOverlap = 15.0;

    /// <summary>Space between the plot frame and a legend placed outside it.</summary>
    public const int OutsideGap = 10;

    private const int SampleWidth = 26;
    private const int Inset = 8;
    private const double SampleSpacing = 2.0;
    private readonly List<ProjectedSeries> entries;
    private readonly int fontScale;
    private readonly int rowHeight;

    private Legend(List<ProjectedSeries> entries, int fontScale)
    {
        this.entries = entries;
        this.fontScale = fontScale;
        rowHeight = Math.Max(9 * fontScale, 10) + 5;
        int nameWidth = entries.Max(e => Canvas.MeasureText(e.Series.Name, fontScale).Width);
        Width = 8 + SampleWidth + 6 + nameWidth + 8;
        Height = 6 + (entries.Count * rowHeight) + 1;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>A legend for the named series, or null when none has a name.</summary>
    public static Legend? Create(List<ProjectedSeries> projected, int fontScale)
    {
        var named = projected.Where(p => p.Series.Name.Length > 0).ToList();
        return named.Count == 0 ? null : new Legend(named, fontScale);
    }

    /// <summary>The inside corner (preferring upper right, upper left, lower right, lower left) whose box
    /// covers the fewest drawn line samples; null when the box does not fit inside the plot.</summary>
    public (int X, int Y, double Score)? BestCorner(PlotArea plot, List<ProjectedSeries> projected)
    {
        if (Width > plot.Width - (2 * Inset) || Height > plot.Height - (2 * Inset))
        {
            return null;
        }

        int left = plot.Left + Inset;
        int right = plot.Left + plot.Width - Inset - Width;
        int top = plot.Top + Inset;
        int bottom = plot.Top + plot.Height - Inset - Height;
        (int X, int Y)[] corners = [(right, top), (left, top), (right, bottom), (left, bottom)];
        var samples = Sample(projected);
        return corners.Select(c => (c.X, c.Y, Score: Score(samples, c.X, c.Y))).MinBy(c => c.Score);
    }

    public void Draw(Canvas canvas, int x, int y, Rgba textColor)
    {
        canvas.FillRect(x, y, Width, Height, Rgba.White.WithOpacity(0.88));
        canvas.DrawRect(x, y, Width, Height, new Rgba(200, 200, 200));
        for (int i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var series = entry.Series;
            int rowTop = y + 5 + (i * rowHeight);
            double centerY = Math.Floor(rowTop + ((rowHeight - 5) / 2.0)) + 0.5;
            int sampleLeft = x + 8;
            if (series.Lower is not null)
            {
                canvas.FillRect(sampleLeft, (int)centerY - 5, SampleWidth, 11, entry.Color.WithOpacity(series.BandOpacity));
            }

            if (series.LineWidth > 0)
            {
                canvas.DrawLine(sampleLeft + 2, centerY, sampleLeft + SampleWidth - 2, centerY, entry.Color, series.LineWidth, series.Style);
            }

            if (series.Marker != MarkerShape.None)
            {
                LineChart.DrawMarker(canvas, series.Marker, sampleLeft + (SampleWidth / 2.0), centerY, LineChart.MarkerRadius(series), entry.Color);
            }

            canvas.DrawText(series.Name, sampleLeft + SampleWidth + 6, (int)Math.Round(centerY - (3.5 * fontScale)), textColor, fontScale);
        }
    }

    private double Score(List<(double X, double Y, double Weight)> samples, int x, int y)
    {
        const int Margin = 3;
        double score = 0;
        foreach (var (px, py, weight) in samples)
        {
            if (px >= x - Margin && px < x + Width + Margin && py >= y - Margin && py < y + Height + Margin)
            {
                score += weight;
            }
        }

        return score;
    }

    // Points every couple of pixels along each line (weight 1) and at band vertices (weight 0.3).
    private static List<(double X, double Y, double Weight)> Sample(List<ProjectedSeries> projected)
    {
        var samples = new List<(double X, double Y, double Weight)>();
        foreach (var p in projected)
        {
            var line = p.Line;
            for (int i = 0; i < line.Count; i++)
            {
                var a = line[i];
                if (!IsFinite(a))
                {
                    continue;
                }

                samples.Add((a.X, a.Y, 1.0));
                if (i + 1 < line.Count && IsFinite(line[i + 1]))
                {
                    var b = line[i + 1];
                    int steps = (int)(Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y))) / SampleSpacing);
                    for (int k = 1; k < steps; k++)
                    {
                        double t = k / (double)steps;
                        samples.Add((a.X + (t * (b.X - a.X)), a.Y + (t * (b.Y - a.Y)), 1.0));
                    }
                }
            }

            samples.AddRange(p.BandPolygons.SelectMany(polygon => polygon).Select(v => (v.X, v.Y, 0.3)));
        }

        return samples;
    }

    private static bool IsFinite((double X, double Y) p) => double.IsFinite(p.X) && double.IsFinite(p.Y);
}
