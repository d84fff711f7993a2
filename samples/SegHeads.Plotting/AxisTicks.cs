using System.Globalization;

namespace SegHeads.Plotting;

/// <summary>"Nice" tick positions (steps of 1, 2, 2.5 or 5 times a power of ten) and compact labels.</summary>
public static class AxisTicks
{
    private static readonly double[] Mantissas = [1.0, 2.0, 2.5, 5.0, 10.0];

    /// <summary>The smallest nice step that splits <paramref name="range"/> into at most
    /// <paramref name="maxTicks"/> - 1 intervals.</summary>
    /// <param name="range">The span of the axis (positive).</param>
    /// <param name="maxTicks">Upper bound on the number of ticks (at least 2).</param>
    public static double NiceStep(double range, int maxTicks = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (!double.IsFinite(range) || range <= 0)
        {
            return 1.0;
        }

        double raw = range / (maxTicks - 1);
        double magnitude = Math.Pow(10.0, Math.Floor(Math.Log10(raw)));
        double normalized = raw / magnitude;
        double mantissa = Mantissas.First(m => m >= normalized - 1e-9);
        return mantissa * magnitude;
    }

    /// <summary>Nice ticks inside [<paramref name="min"/>, <paramref name="max"/>], e.g. 0..1 gives
    /// 0, 0.2, ..., 1 and 0..2000 gives 0, 500, ..., 2000.</summary>
    /// <param name="min">Lower end of the axis.</param>
    /// <param name="max">Upper end of the axis.</param>
    /// <param name="maxTicks">Upper bound on the number of ticks.</param>
    public static IReadOnlyList<double> Linear(double min, double max, int maxTicks = 6)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || max <= min)
        {
            return double.IsFinite(min) ? [min] : [];
        }

        return Between(min, max, NiceStep(max - min, maxTicks));
    }

    /// <summary>Widens [<paramref name="min"/>, <paramref name="max"/>] outwards to multiples of its nice
    /// step, so the axis starts and ends on a tick.</summary>
    /// <param name="min">Smallest data value.</param>
    /// <param name="max">Largest data value.</param>
    /// <param name="maxTicks">Upper bound on the number of ticks.</param>
    public static (double Min, double Max) NiceRange(double min, double max, int maxTicks = 6)
    {
        (min, max) = Widen(min, max);
        double step = NiceStep(max - min, maxTicks);
        return (Math.Floor((min / step) + 1e-9) * step, Math.Ceiling((max / step) - 1e-9) * step);
    }

    /// <summary>Powers of ten covering [<paramref name="min"/>, <paramref name="max"/>] (both positive),
    /// thinned to about <paramref name="maxTicks"/> when the range spans many decades.</summary>
    /// <param name="min">Lower end of the axis (positive).</param>
    /// <param name="max">Upper end of the axis (positive).</param>
    /// <param name="maxTicks">Upper bound on the number of ticks.</param>
    public static IReadOnlyList<double> Log(double min, double max, int maxTicks = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (!(min > 0) || !(max > min) || !double.IsFinite(max))
        {
            return [];
        }

        int first = (int)Math.Ceiling(Math.Log10(min) - 1e-9);
        int last = (int)Math.Floor(Math.Log10(max) + 1e-9);
        int stride = Math.Max(1, (int)Math.Ceiling((last - first + 1) / (double)maxTicks));
        var ticks = new List<double>();
        for (int e = first; e <= last; e += stride)
        {
            ticks.Add(Math.Pow(10.0, e));
        }

        return ticks;
    }

    /// <summary>Formats a tick value compactly: 0, 0.25, 2000, 12.5k, 3M, 1e-3, 2.5e-4.</summary>
    /// <param name="value">The value to format.</param>
    public static string Format(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "inf" : "-inf";
        }

        double a = Math.Abs(value);
        if (a < 1e-12)
        {
            return "0";
        }

        if (a >= 1e9 || a < 0.01)
        {
            int exponent = (int)Math.Floor(Math.Log10(a));
            double mantissa = Math.Round(value / Math.Pow(10.0, exponent), 2);
            if (Math.Abs(mantissa) >= 10.0)
            {
                mantissa /= 10.0;
                exponent++;
            }

            return string.Create(CultureInfo.InvariantCulture, $"{mantissa:0.##}e{exponent}");
        }

        if (a >= 1e6)
        {
            return Plain(value / 1e6) + "M";
        }

        if (a >= 1e4)
        {
            return Plain(value / 1e3) + "k";
        }

        return Plain(value);
    }

    /// <summary>
    /// Formats the ticks of one linear axis alike: all with a k or M suffix when the largest reaches 10,000
    /// (0, 2.5k, 5k), plain decimals when the step is at least 1e-4 (0, 0.005, 0.01), otherwise each as
    /// <see cref="Format"/> does.
    /// </summary>
    /// <param name="ticks">Evenly spaced tick values.</param>
    public static IReadOnlyList<string> FormatAll(IReadOnlyList<double> ticks)
    {
        ArgumentNullException.ThrowIfNull(ticks);
        double largest = ticks.Select(Math.Abs).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double step = ticks.Count < 2 ? largest : ticks.Zip(ticks.Skip(1), (a, b) => Math.Abs(b - a)).Min();
        if (largest >= 1e4 && largest < 1e9)
        {
            (double divisor, string suffix) = largest >= 1e6 ? (1e6, "M") : (1e3, "k");
            return [.. ticks.Select(v => Math.Abs(v) < 1e-12 ? "0" : Plain(v / divisor, DecimalsFor(step / divisor)) + suffix)];
        }

        if (step >= 1e-4 && largest < 1e9)
        {
            return [.. ticks.Select(v => Math.Abs(v) < 1e-12 ? "0" : Plain(v, DecimalsFor(step)))];
        }

        return [.. ticks.Select(Format)];
    }

    private static string Plain(double value, int decimals = 4) =>
        Math.Round(value, decimals).ToString("0.##########", CultureInfo.InvariantCulture);

    // Decimals that show every multiple of step exactly (step is 1, 2, 2.5 or 5 times a power of ten).
    private static int DecimalsFor(double step) =>
        step > 0 && double.IsFinite(step) ? Math.Clamp(2 - (int)Math.Floor(Math.Log10(step)), 0, 10) : 4;

    internal static (double Min, double Max) Widen(double min, double max)
    {
        if (max > min)
        {
            return (min, max);
        }

        double pad = min == 0 ? 0.5 : Math.Abs(min) * 0.1;
        return (min - pad, max + pad);
    }

    // Multiples of step inside [min, max], rounded to hide float noise.
    internal static double[] Between(double min, double max, double step)
    {
        long first = (long)Math.Ceiling((min / step) - 1e-9);
        long last = (long)Math.Floor((max / step) + 1e-9);
        int digits = Math.Clamp(2 - (int)Math.Floor(Math.Log10(step)), 0, 15);
        var ticks = new double[Math.Max(0, last - first + 1)];
        for (long k = first; k <= last; k++)
        {
            ticks[k - first] = Math.Round(k * step, digits);
        }

        return ticks;
    }
}
