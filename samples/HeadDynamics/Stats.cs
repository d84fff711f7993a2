namespace SegHeads.Samples.HeadDynamics;

/// <summary>Mean and spread over seeds.</summary>
internal readonly record struct Stats(double Mean, double Std, double Min, double Max, int Count)
{
    public static Stats Of(IEnumerable<double> values)
    {
        double[] v = values.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
        {
            return new Stats(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new Stats(mean, std, v.Min(), v.Max(), v.Length);
    }

    /// <summary>Welch's t statistic of a − b (0 when both spreads are 0 and the means are equal).</summary>
    public static double WelchT(Stats a, Stats b)
    {
        double se = Math.Sqrt((a.Std * a.Std / a.Count) + (b.Std * b.Std / b.Count));
        return se == 0 ? (a.Mean == b.Mean ? 0 : double.PositiveInfinity * Math.Sign(a.Mean - b.Mean)) : (a.Mean - b.Mean) / se;
    }

    public override string ToString() => $"{Mean:G4} ± {Std:G2}";
}
