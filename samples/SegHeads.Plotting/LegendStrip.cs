using SkiaSharp;
using SP = ScottPlot;

namespace SegHeads.Plotting;

/// <summary>A figure-wide key: ScottPlot's legend drawn alone, in rows across a strip under the title.</summary>
internal static class LegendStrip
{
    private const float FontSize = 13f;

    // Symbol, gaps and padding around each entry in ScottPlot's horizontal legend, in pixels.
    private const float EntryExtra = 46f;
    private const float RowHeight = FontSize + 12f;

    /// <summary>Height the strip needs at <paramref name="width"/> pixels, wrapping entries into rows.</summary>
    public static int Height(IReadOnlyList<SP.LegendItem> items, int width)
    {
        using var font = new SKFont(TextFont.Typeface(bold: false), FontSize);
        int rows = 1;
        float x = 0;
        float available = width - 40f;
        foreach (var item in items)
        {
            float entry = font.MeasureText(item.LabelText ?? string.Empty) + EntryExtra;
            if (x > 0 && x + entry > available)
            {
                rows++;
                x = 0;
            }

            x += entry;
        }

        return (int)Math.Ceiling((rows * RowHeight) + 16f);
    }

    /// <summary>Draws the key centred in the given rectangle of <paramref name="canvas"/>.</summary>
    public static void Render(SKCanvas canvas, IReadOnlyList<SP.LegendItem> items, int left, int top, int width, int height)
    {
        using var plot = new SP.Plot();
        TextFont.Apply(plot);
        plot.Layout.Frameless();
        plot.HideGrid();
        plot.Legend.ManualItems.AddRange(items);
        plot.Legend.FontSize = FontSize;
        plot.Legend.Orientation = SP.Orientation.Horizontal;
        plot.Legend.TightHorizontalWrapping = true;
        plot.Legend.Alignment = SP.Alignment.MiddleCenter;
        plot.Legend.OutlineColor = new SP.Color(0, 0, 0, 0);
        plot.Legend.ShadowColor = new SP.Color(0, 0, 0, 0);
        plot.Legend.IsVisible = true;
        PlotRendering.Draw(plot, canvas, left, top, width, height);
    }
}
