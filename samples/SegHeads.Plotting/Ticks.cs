using System.Globalization;

namespace SegHeads.Plotting;

/// <summary>
/// Tick positions for one axis: labelled (major) ticks and unlabelled (minor) ticks, in data units.
/// Every axis of a <see cref="LineChart"/> gets at least <see cref="MinimumLabels"/> labelled ticks,
/// including log axes over less than a decade (e.g. 0.18 to 0.25), where a powers-of-ten generator
/// would label one tick or none.
/// </summary>
public sealed class Ticks
{
    /// <summary>The fewest labelled ticks an axis gets.</summary>
    public const int MinimumLabels = 4;

    private static readonly double[] LinearMantissas = [5.0, 2.5, 2.0, 1.0];
    // 1.5 joins the dense sets so that a range such as 0.35 to 1.8 gets a label above 1.
    private static readonly double[][] LogMantissaSets = [[1], [1, 2, 5], [1, 2, 3, 5], [1, 1.5, 2, 3, 4, 5, 6, 8], [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9]];

    private Ticks(IReadOnlyList<(double Value, string Label)> major, IReadOnlyList<double> minor)
    {
        Major = major;
        Minor = minor;
    }

    /// <summary>Labelled ticks, ascending.</summary>
    public IReadOnlyList<(double Value, string Label)> Major { get; }

    /// <summary>Unlabelled ticks (drawn as faint gridlines), ascending.</summary>
    public IReadOnlyList<double> Minor { get; }

    /// <summary>
    /// Ticks at multiples of a nice step (1, 2, 2.5 or 5 times a power of ten) inside
    /// [<paramref name="min"/>, <paramref name="max"/>]: the largest step that still gives
    /// <see cref="MinimumLabels"/> labels, so labels stay sparse but never too few.
    /// </summary>
    /// <param name="min">Lower end of the visible axis.</param>
    /// <param name="max">Upper end of the visible axis (greater than <paramref name="min"/>).</param>
    public static Ticks Linear(double min, double max)
    {
        CheckRange(min, max);
        double step = LinearStep(min, max);
        double[] values = Multiples(min, max, step);
        double[] minor = Multiples(min, max, step / (IsMantissa(step, 2.5) || IsMantissa(step, 5.0) ? 5 : 2))
            .Where(v => !values.Any(m => Math.Abs(m - v) < step * 1e-6))
            .ToArray();
        return new Ticks(values.Select(v => (v, FormatWithStep(v, step))).ToList(), minor);
    }

    /// <summary>
    /// Ticks for a log axis over [<paramref name="min"/>, <paramref name="max"/>] (both positive): powers
    /// of ten, thinned over many decades; with fewer decades also 2x and 5x (then 3x, then every
    /// integer multiple, with 1.5); when even that gives fewer than <see cref="MinimumLabels"/> labels, linear nice
    /// ticks inside the range (0.18 to 0.25 is labelled 0.18, 0.2, 0.22, 0.24). Unlabelled multiples of
    /// powers of ten are the minor ticks.
    /// </summary>
    /// <param name="min">Lower end of the visible axis (positive).</param>
    /// <param name="max">Upper end of the visible axis (greater than <paramref name="min"/>).</param>
    /// <param name="maxLabels">Most labelled powers of ten before every other decade is skipped (at least <see cref="MinimumLabels"/>).</param>
    public static Ticks Log(double min, double max, int maxLabels = 8)
    {
        CheckRange(min, max);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(min);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLabels, MinimumLabels);
        int firstDecade = (int)Math.Floor(Math.Log10(min)) - 1;
        int lastDecade = (int)Math.Ceiling(Math.Log10(max)) + 1;

        List<double> InRange(IEnumerable<double> mantissas, int decadeStep = 1)
        {
            var list = new List<double>();
            for (int e = firstDecade; e <= lastDecade; e++)
            {
                if (((e % decadeStep) + decadeStep) % decadeStep != 0)
                {
                    continue;
                }

                foreach (double m in mantissas)
                {
                    double v = m * Math.Pow(10.0, e);
                    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9))
                    {
                        list.Add(v);
                    }
                }
            }

            return list;
        }

        var allMultiples = InRange([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        List<double>? labelled = null;
        bool manyDecades = false;
        for (int decadeStep = 1; labelled is null; decadeStep++)
        {
            var powers = InRange([1], decadeStep);
            if (powers.Count < MinimumLabels)
            {
                break;
            }

            if (powers.Count <= maxLabels)
            {
                labelled = powers;
                manyDecades = decadeStep > 1 || powers.Count > 4;
            }
        }

        if (labelled is null)
        {
            foreach (double[] set in LogMantissaSets.Skip(1))
            {
                var candidate = InRange(set);
                if (candidate.Count >= MinimumLabels)
                {
                    labelled = candidate;
                    break;
                }
            }
        }

        if (labelled is null)
        {
            // Less than about a factor of two: nice linear values, which a reader can still compare.
            var linear = Linear(min, max);
            var extra = allMultiples.Where(v => !linear.Major.Any(t => Math.Abs((t.Value / v) - 1) < 1e-9));
            return new Ticks(linear.Major, [.. linear.Minor.Concat(extra).Order()]);
        }

        var minor = manyDecades
            ? InRange([1]).Where(v => !labelled.Any(t => Math.Abs((t / v) - 1) < 1e-9)).ToList()
            : allMultiples.Where(v => !labelled.Any(t => Math.Abs((t / v) - 1) < 1e-9)).ToList();
        return new Ticks(labelled.Select(v => (v, Format(v))).ToList(), minor);
    }

    /// <summary>A short label: plain decimals from 0.001 to 99999, otherwise <c>2e-5</c> style.</summary>
    /// <param name="value">The tick value.</param>
    public static string Format(double value)
    {
        if (value == 0 || !double.IsFinite(value))
        {
            return value == 0 ? "0" : value.ToString(CultureInfo.InvariantCulture);
        }

        double magnitude = Math.Abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e5)
        {
            return Math.Round(value, 12).ToString("0.#########", CultureInfo.InvariantCulture);
        }

        int exponent = (int)Math.Floor(Math.Log10(magnitude));
        double mantissa = Math.Round(value / Math.Pow(10.0, exponent), 6);
        if (Math.Abs(mantissa) >= 10)
        {
            mantissa /= 10;
            exponent++;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{mantissa:0.###}e{exponent}");
    }

    private static void CheckRange(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"Expected finite min < max, got min = {min} and max = {max}.");
        }
    }

    private static double LinearStep(double min, double max)
    {
        // Largest step first; the ratio between neighbouring steps is at most 2.5, so the first step with
        // enough labels has at most about 2.5 * MinimumLabels of them.
        double range = max - min;
        double step = range;
        for (double scale = Math.Pow(10.0, Math.Ceiling(Math.Log10(range))); scale > range * 1e-6; scale /= 10)
        {
            foreach (double m in LinearMantissas)
            {
                step = m * scale / 10;
                if (Multiples(min, max, step).Length >= MinimumLabels)
                {
                    return step;
                }
            }
        }

        return step;
    }

    private static double[] Multiples(double min, double max, double step)
    {
        double first = Math.Ceiling((min / step) - 1e-9);
        double last = Math.Floor((max / step) + 1e-9);
        if (last - first > 1000)
        {
            return [];
        }

        var values = new List<double>();
        for (double k = first; k <= last; k++)
        {
            // Round away the accumulated float error so that labels and gridlines sit on the nice value.
            values.Add(Math.Round(k * step, 12));
        }

        return [.. values];
    }

    private static bool IsMantissa(double step, double mantissa)
    {
        double normalized = step / Math.Pow(10.0, Math.Floor(Math.Log10(step)));
        return Math.Abs(normalized - mantissa) < 1e-6;
    }

    private static string FormatWithStep(double value, double step)
    {
        if (Math.Abs(value) < step * 1e-6)
        {
            return "0";
        }

        double magnitude = Math.Max(Math.Abs(value), step);
        if (magnitude >= 1e5 || step < 1e-3)
        {
            return Format(value);
        }

        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9) + (IsMantissa(step, 2.5) ? 1 : 0));
        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }
}
