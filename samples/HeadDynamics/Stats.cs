namespace SegHeads.Samples.HeadDynamics;

/// <summary>Mean and spread over seeds, and the tests the result tables use (Welch t, Holm, Hedges' g, t intervals).</summary>
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

    /// <summary>Half-width of the two-sided t confidence interval of the mean (NaN below two values).</summary>
    public double HalfWidth(double level = 0.95) =>
        Count < 2 ? double.NaN : StudentTQuantile(0.5 + (level / 2), Count - 1) * Std / Math.Sqrt(Count);

    /// <summary>Welch's t statistic of a − b (0 when both spreads are 0 and the means are equal).</summary>
    public static double WelchT(Stats a, Stats b)
    {
        double se = Math.Sqrt((a.Std * a.Std / a.Count) + (b.Std * b.Std / b.Count));
        return se == 0 ? (a.Mean == b.Mean ? 0 : double.PositiveInfinity * Math.Sign(a.Mean - b.Mean)) : (a.Mean - b.Mean) / se;
    }

    /// <summary>Welch's unequal-variance t test of mean(a) − mean(b): t, Welch–Satterthwaite df, two-sided p.</summary>
    public static WelchTest Welch(IEnumerable<double> a, IEnumerable<double> b)
    {
        Stats x = Of(a);
        Stats y = Of(b);
        if (x.Count < 2 || y.Count < 2)
        {
            throw new ArgumentException($"Welch's test needs at least 2 values per group, but got {x.Count} and {y.Count}.");
        }

        double va = x.Std * x.Std / x.Count;
        double vb = y.Std * y.Std / y.Count;
        double t = WelchT(x, y);
        if (va + vb == 0)
        {
            return new WelchTest(x.Mean - y.Mean, t, x.Count + y.Count - 2, t == 0 ? 1 : 0);
        }

        double df = (va + vb) * (va + vb) / ((va * va / (x.Count - 1)) + (vb * vb / (y.Count - 1)));
        return new WelchTest(x.Mean - y.Mean, t, df, TwoSidedP(t, df));
    }

    /// <summary>Hedges' g of a − b: Cohen's d with the pooled standard deviation, times the small-sample correction 1 − 3/(4(n_a + n_b) − 9).</summary>
    public static double HedgesG(IEnumerable<double> a, IEnumerable<double> b)
    {
        Stats x = Of(a);
        Stats y = Of(b);
        int df = x.Count + y.Count - 2;
        double pooled = Math.Sqrt((((x.Count - 1) * x.Std * x.Std) + ((y.Count - 1) * y.Std * y.Std)) / df);
        double d = pooled == 0 ? 0 : (x.Mean - y.Mean) / pooled;
        return d * (1 - (3.0 / ((4.0 * (x.Count + y.Count)) - 9)));
    }

    /// <summary>Holm's step-down adjusted p-values (family-wise error), in the input order, capped at 1.</summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        int m = p.Count;
        int[] order = Enumerable.Range(0, m).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        double[] adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            running = Math.Max(running, Math.Min(1, (m - rank) * p[order[rank]]));
            adjusted[order[rank]] = running;
        }

        return adjusted;
    }

    /// <summary>Two-sided p-value of a t statistic with <paramref name="df"/> degrees of freedom.</summary>
    public static double TwoSidedP(double t, double df) =>
        double.IsInfinity(t) ? 0 : RegularizedBeta(df / (df + (t * t)), df / 2, 0.5);

    /// <summary>P(T ≤ t) for Student's t with <paramref name="df"/> degrees of freedom.</summary>
    public static double StudentTCdf(double t, double df)
    {
        double tail = TwoSidedP(t, df) / 2;
        return t >= 0 ? 1 - tail : tail;
    }

    /// <summary>The <paramref name="p"/>-quantile of Student's t (bisection on the CDF; 1e-12 accurate).</summary>
    public static double StudentTQuantile(double p, double df)
    {
        if (p is <= 0 or >= 1 || df <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"Expected 0 < p < 1 and df > 0, but got p = {p}, df = {df}.");
        }

        double lo = -1e3;
        double hi = 1e3;
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++)
        {
            double mid = (lo + hi) / 2;
            if (StudentTCdf(mid, df) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return (lo + hi) / 2;
    }

    public override string ToString() => $"{Mean:G4} ± {Std:G2}";

    /// <summary>The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz).</summary>
    internal static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = Math.Exp(LogGamma(a + b) - LogGamma(a) - LogGamma(b) + (a * Math.Log(x)) + (b * Math.Log(1 - x)));
        // The fraction converges fast only below the mean a/(a+b); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) above it.
        return x < (a + 1) / (a + b + 2)
            ? front * BetaFraction(x, a, b) / a
            : 1 - (front * BetaFraction(1 - x, b, a) / b);
    }

    private static double BetaFraction(double x, double a, double b)
    {
        const double Tiny = 1e-300;
        double c = 1;
        double d = 1 - ((a + b) * x / (a + 1));
        d = Math.Abs(d) < Tiny ? Tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 300; m++)
        {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + (even * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (even / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + (odd * d);
            d = Math.Abs(d) < Tiny ? Tiny : d;
            c = 1 + (odd / c);
            c = Math.Abs(c) < Tiny ? Tiny : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-15)
            {
                break;
            }
        }

        return h;
    }

    /// <summary>ln Γ(x) for x &gt; 0 (Lanczos, g = 7, 9 terms; about 15 digits).</summary>
    private static double LogGamma(double x)
    {
        double[] c =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (x < 0.5)
        {
            return Math.Log(Math.PI / Math.Abs(Math.Sin(Math.PI * x))) - LogGamma(1 - x);
        }

        x -= 1;
        double sum = c[0];
        for (int i = 1; i < c.Length; i++)
        {
            sum += c[i] / (x + i);
        }

        double t = x + 7.5;
        return (0.5 * Math.Log(2 * Math.PI)) + ((x + 0.5) * Math.Log(t)) - t + Math.Log(sum);
    }
}
