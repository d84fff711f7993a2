namespace SegHeads.Benchmarks;

/// <summary>Order statistics of timings.</summary>
internal static class Stats
{
    public static double Median(IReadOnlyList<double> xs) => Quantile(xs, 0.5);

    public static double Quantile(IReadOnlyList<double> xs, double q)
    {
        if (xs.Count == 0)
        {
            return double.NaN;
        }

        double[] s = [.. xs.Order()];
        double pos = q * (s.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = (int)Math.Ceiling(pos);
        return s[lo] + ((s[hi] - s[lo]) * (pos - lo));
    }
}
