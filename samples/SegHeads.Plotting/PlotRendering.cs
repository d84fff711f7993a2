using SkiaSharp;
using SP = ScottPlot;

namespace SegHeads.Plotting;

/// <summary>Draws a ScottPlot plot into one rectangle of a larger canvas.</summary>
internal static class PlotRendering
{
    /// <summary>Renders <paramref name="plot"/> at <paramref name="width"/> x <paramref name="height"/> and
    /// draws it with its top-left corner at (<paramref name="left"/>, <paramref name="top"/>).</summary>
    public static void Draw(SP.Plot plot, SKCanvas canvas, int left, int top, int width, int height)
    {
        // A plot clears the whole canvas it renders to, so each one gets its own surface.
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        plot.Render(surface.Canvas, width, height);
        using SKImage image = surface.Snapshot();
        canvas.DrawImage(image, left, top);
    }
}
