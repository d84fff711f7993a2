namespace SegHeads.Plotting;

/// <summary>Scores candidate legend boxes by how much drawn data they would hide.</summary>
internal static class LegendPlacement
{
    private const double Spacing = 2.0;

    /// <summary>Points every couple of pixels along each line (weight 1) and band edge (weight 0.3).</summary>
    public static List<(double X, double Y, double Weight)> Sample(IEnumerable<DrawnSeries> drawn)
    {
        var samples = new List<(double X, double Y, double Weight)>();
        foreach (var d in drawn)
        {
            AddPolyline(samples, d.Line, 1.0);
            foreach (var p in d.BandEdges)
            {
                samples.Add((p.X, p.Y, 0.3));
            }
        }

        return samples;
    }

    public static double Score(List<(double X, double Y, double Weight)> samples, int x, int y, int width, int height)
    {
        const int Margin = 3;
        double score = 0;
        foreach (var (px, py, weight) in samples)
        {
            if (px >= x - Margin && px < x + width + Margin && py >= y - Margin && py < y + height + Margin)
            {
                score += weight;
            }
        }

        return score;
    }

    private static void AddPolyline(List<(double X, double Y, double Weight)> samples, List<(double X, double Y)> line, double weight)
    {
        for (int i = 0; i < line.Count; i++)
        {
            var a = line[i];
            if (!double.IsFinite(a.X) || !double.IsFinite(a.Y))
            {
                continue;
            }

            samples.Add((a.X, a.Y, weight));
            if (i + 1 >= line.Count || !double.IsFinite(line[i + 1].X) || !double.IsFinite(line[i + 1].Y))
            {
                continue;
            }

            var b = line[i + 1];
            double length = Math.Sqrt(((b.X - a.X) * (b.X - a.X)) + ((b.Y - a.Y) * (b.Y - a.Y)));
            int steps = (int)(length / Spacing);
            for (int k = 1; k < steps; k++)
            {
                double t = k / (double)steps;
                samples.Add((a.X + (t * (b.X - a.X)), a.Y + (t * (b.Y - a.Y)), weight));
            }
        }
    }
}
