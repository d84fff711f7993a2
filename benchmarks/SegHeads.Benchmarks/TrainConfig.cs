using System.Globalization;
using SegHeads.Backbones;

namespace SegHeads.Benchmarks;

/// <summary>One training-step configuration; <see cref="Key"/> is shared with pytorch_reference.py.</summary>
internal sealed record TrainConfig(string Head, string Widths, int Batch, int Size, int Classes)
{
    /// <summary>The key both benchmark programs print, so the runner can pair their rows.</summary>
    public string Key => string.Create(CultureInfo.InvariantCulture, $"{Head}|{Widths}|{Batch}x3x{Size}x{Size}|K={Classes}");

    /// <summary>Backbone options from a width list such as <c>16-32-64</c> (each level doubles).</summary>
    public EncoderDecoderOptions Backbone()
    {
        int[] widths = [.. Widths.Split('-').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        for (int i = 1; i < widths.Length; i++)
        {
            if (widths[i] != 2 * widths[i - 1])
            {
                throw new ArgumentException($"Backbone widths must double per level (e.g. 16-32-64), but got {Widths}.");
            }
        }

        return new EncoderDecoderOptions { BaseWidth = widths[0], Depth = widths.Length };
    }

    /// <summary>The cross product of the listed heads and widths.</summary>
    public static IReadOnlyList<TrainConfig> Grid(BenchArgs a)
    {
        IReadOnlyList<string> heads = a.List("heads", "stacked-linear:3-3-1@16");
        IReadOnlyList<string> widths = a.List("widths", "16-32-64");
        int batch = a.Int("batch", 8);
        int size = a.Int("size", 64);
        int classes = a.Int("classes", 4);
        return [.. from w in widths from h in heads select new TrainConfig(h, w, batch, size, classes)];
    }
}
