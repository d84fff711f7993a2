using SkiaSharp;
using SP = ScottPlot;

namespace SegHeads.Plotting;

/// <summary>
/// A grid of <see cref="LineChart"/> panels under an optional overall title, saved as one image. When
/// every panel's key lists the same series, one shared key is drawn under the title; otherwise each
/// panel's key sits below that panel, so a key never moves between panels.
/// </summary>
public sealed class Figure
{
    private const int Pad = 8;
    private readonly LineChart[] panels;
    private double[] rowWeights;

    /// <summary>Creates a figure with <paramref name="rows"/> x <paramref name="columns"/> empty panels.</summary>
    /// <param name="rows">Number of panel rows (at least 1).</param>
    /// <param name="columns">Number of panel columns (at least 1).</param>
    public Figure(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        Rows = rows;
        Columns = columns;
        panels = Enumerable.Range(0, rows * columns).Select(_ => new LineChart()).ToArray();
        rowWeights = Enumerable.Repeat(1.0, rows).ToArray();
    }

    /// <summary>Number of panel rows.</summary>
    public int Rows { get; }

    /// <summary>Number of panel columns.</summary>
    public int Columns { get; }

    /// <summary>Overall title drawn above all panels, or null.</summary>
    public string? Title { get; set; }

    /// <summary>Text size of the overall title: 2 is the default, each step changes it by a quarter.</summary>
    public int TitleScale { get; set; } = 2;

    /// <summary>
    /// One key for the whole figure (true), one per panel (false), or chosen automatically (null, the
    /// default): shared when every panel with a key lists the same names in the same colours.
    /// </summary>
    public bool? SharedLegend { get; set; }

    /// <summary>The panel at (<paramref name="row"/>, <paramref name="column"/>), zero-based.</summary>
    /// <param name="row">Panel row.</param>
    /// <param name="column">Panel column.</param>
    public LineChart this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return panels[(row * Columns) + column];
        }
    }

    /// <summary>Relative heights of the panel rows, e.g. (3, 1) for a data row over a residual row.</summary>
    /// <param name="weights">One positive weight per row.</param>
    public void SetRowWeights(params double[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Length != Rows || weights.Any(w => !(w > 0) || !double.IsFinite(w)))
        {
            throw new ArgumentException($"Expected {Rows} positive finite weights, got [{string.Join(", ", weights)}].", nameof(weights));
        }

        rowWeights = [.. weights];
    }

    /// <summary>Whether <see cref="ToCanvas"/> draws one shared key (see <see cref="SharedLegend"/>).</summary>
    public bool UsesSharedLegend()
    {
        var keys = panels.Where(p => p.ShowLegend).Select(p => p.LegendItems()).Where(k => k.Count > 0).ToList();
        if (keys.Count == 0)
        {
            return false;
        }

        return SharedLegend ?? (panels.Length > 1 && keys.All(k => SameKey(k, keys[0])));
    }

    /// <summary>Renders the figure: each panel row gets <paramref name="panelHeight"/> times its weight
    /// (see <see cref="SetRowWeights"/>) over the mean weight, plus room for the title and a shared key.</summary>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    /// <param name="panelHeight">Height of a panel row of average weight in pixels.</param>
    public RenderedImage ToCanvas(int panelWidth = 640, int panelHeight = 440)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(panelWidth, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(panelHeight, 60);
        ArgumentOutOfRangeException.ThrowIfLessThan(TitleScale, 1);
        int width = panelWidth * Columns;
        bool shared = UsesSharedLegend();
        var sharedItems = shared ? panels.Where(p => p.ShowLegend).Select(p => p.LegendItems()).First(k => k.Count > 0) : [];

        using var titleFont = new SKFont(TextFont.Typeface(bold: true), 17f * (0.5f + (0.25f * TitleScale)));
        int titleHeight = string.IsNullOrEmpty(Title) ? 0 : (int)Math.Ceiling(titleFont.Size * 1.3) + (2 * Pad);
        int legendHeight = shared ? LegendStrip.Height(sharedItems, width) : 0;
        int[] rowHeights = RowHeights(panelHeight);
        int height = titleHeight + legendHeight + rowHeights.Sum();

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        if (!string.IsNullOrEmpty(Title))
        {
            // Long titles shrink to fit rather than being clipped.
            float textWidth = titleFont.MeasureText(Title);
            if (textWidth > width - (2 * Pad))
            {
                titleFont.Size *= (width - (2 * Pad)) / textWidth;
            }

            using var paint = new SKPaint { Color = new SKColor(20, 20, 20), IsAntialias = true };
            canvas.DrawText(Title, width / 2f, Pad + titleFont.Size, SKTextAlign.Center, titleFont, paint);
        }

        if (shared)
        {
            LegendStrip.Render(canvas, sharedItems, 0, titleHeight, width, legendHeight);
        }

        var plots = new SP.Plot[Rows, Columns];
        try
        {
            for (int r = 0; r < Rows; r++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    plots[r, c] = this[r, c].BuildPlot(legend: !shared && this[r, c].ShowLegend);
                }
            }

            AlignDataAreas(plots, panelWidth, rowHeights);
            int top = titleHeight + legendHeight;
            for (int r = 0; r < Rows; r++)
            {
                for (int c = 0; c < Columns; c++)
                {
                    PlotRendering.Draw(plots[r, c], canvas, c * panelWidth, top, panelWidth, rowHeights[r]);
                }

                top += rowHeights[r];
            }
        }
        finally
        {
            foreach (SP.Plot? plot in plots)
            {
                plot?.Dispose();
            }
        }

        return new RenderedImage(surface, width, height);
    }

    /// <summary>Renders the figure and writes it as one PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    /// <param name="panelHeight">Height of a panel row of average weight in pixels.</param>
    public void SavePng(string path, int panelWidth = 640, int panelHeight = 440) =>
        ToCanvas(panelWidth, panelHeight).SavePng(path);

    // Panels lay out their own margins (tick labels, keys of different heights); giving every panel in a
    // row the same top and bottom margin and every panel in a column the same side margins lines up
    // their data areas, so curves in neighbouring panels can be compared by eye.
    private void AlignDataAreas(SP.Plot[,] plots, int panelWidth, int[] rowHeights)
    {
        var left = new float[Columns];
        var right = new float[Columns];
        var top = new float[Rows];
        var bottom = new float[Rows];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                plots[r, c].RenderInMemory(panelWidth, rowHeights[r]);
                SP.PixelRect data = plots[r, c].LastRender.DataRect;
                left[c] = Math.Max(left[c], data.Left);
                right[c] = Math.Max(right[c], panelWidth - data.Right);
                top[r] = Math.Max(top[r], data.Top);
                bottom[r] = Math.Max(bottom[r], rowHeights[r] - data.Bottom);
            }
        }

        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                plots[r, c].Layout.Fixed(new SP.PixelPadding(left[c], right[c], bottom[r], top[r]));
            }
        }
    }

    private int[] RowHeights(int panelHeight)
    {
        double mean = rowWeights.Average();
        return rowWeights.Select(w => (int)Math.Round(panelHeight * w / mean)).ToArray();
    }

    private static bool SameKey(List<SP.LegendItem> a, List<SP.LegendItem> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.LabelText == p.Second.LabelText && p.First.LineColor == p.Second.LineColor
                                                 && p.First.MarkerShape == p.Second.MarkerShape && p.First.LinePattern.Name == p.Second.LinePattern.Name);
}
