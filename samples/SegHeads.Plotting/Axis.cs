namespace SegHeads.Plotting;

/// <summary>A resolved chart axis: its range, tick positions and labels, and the value-to-fraction map.</summary>
internal sealed class Axis
{
    private static readonly double[] LogMantissas = [1.0, 2.0, 5.0, 10.0];

    private Axis(double min, double max, bool log, IReadOnlyList<(double Value, string Label)> ticks, IReadOnlyList<double> minorTicks)
    {
        Min = min;
        Max = max;
        IsLog = log;
        Ticks = ticks;
        MinorTicks = minorTicks;
    }

    public double Min { get; }

    public double Max { get; }

    public bool IsLog { get; }

    /// <summary>Labelled ticks (with gridlines).</summary>
    public IReadOnlyList<(double Value, string Label)> Ticks { get; }

    /// <summary>Unlabelled ticks with faint gridlines (log axes only).</summary>
    public IReadOnlyList<double> MinorTicks { get; }

    /// <summary>Where <paramref name="value"/> falls, 0 at <see cref="Min"/> and 1 at <see cref="Max"/>;
    /// NaN when it cannot be shown (non-finite, or not positive on a log axis).</summary>
    public double Fraction(double value)
    {
        if (!double.IsFinite(value) || (IsLog && value <= 0))
        {
            return double.NaN;
        }

        return IsLog
            ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min))
            : (value - Min) / (Max - Min);
    }

    /// <summary>Fits an axis to <paramref name="data"/>, padded by <paramref name="margin"/> (a fraction of
    /// the data range, in log space for log axes) unless a limit is fixed.</summary>
    public static Axis Create(IEnumerable<double> data, bool log, double? fixedMin, double? fixedMax, int maxTicks, double margin)
    {
        var values = data.Where(v => double.IsFinite(v) && (!log || v > 0)).ToList();
        return log ? CreateLog(values, fixedMin, fixedMax, maxTicks, margin) : CreateLinear(values, fixedMin, fixedMax, maxTicks, margin);
    }

    private static Axis CreateLinear(List<double> values, double? fixedMin, double? fixedMax, int maxTicks, double margin)
    {
        double dataMin = fixedMin ?? (values.Count > 0 ? values.Min() : 0.0);
        double dataMax = fixedMax ?? (values.Count > 0 ? values.Max() : 1.0);
        (dataMin, dataMax) = AxisTicks.Widen(Math.Min(dataMin, dataMax), Math.Max(dataMin, dataMax));
        double range = dataMax - dataMin;
        double step = AxisTicks.NiceStep(range, maxTicks);

        // Pad by the margin, then round out to the next tick when that costs little extra room.
        double paddedMin = dataMin - (margin * range);
        double paddedMax = dataMax + (margin * range);
        double min = fixedMin ?? Snap(paddedMin, Math.Floor((paddedMin / step) + 1e-9) * step, dataMin, range);
        double max = fixedMax ?? Snap(paddedMax, Math.Ceiling((paddedMax / step) - 1e-9) * step, dataMax, range);
        if (max <= min)
        {
            max = min + step;
        }

        double[] tickValues = AxisTicks.Between(min, max, step);
        var ticks = tickValues.Zip(AxisTicks.FormatAll(tickValues)).ToList();
        return new Axis(min, max, log: false, ticks, []);
    }

    // The padded end, or the tick just beyond it if that tick lies within SnapSlack of the data.
    private static double Snap(double padded, double tick, double dataEnd, double range)
    {
        const double SnapSlack = 0.1;
        return Math.Abs(tick - dataEnd) <= SnapSlack * range ? tick : padded;
    }

    private static Axis CreateLog(List<double> values, double? fixedMin, double? fixedMax, int maxTicks, double margin)
    {
        double dataMin = fixedMin is > 0 ? fixedMin.Value : values.Count > 0 ? values.Min() : 1.0;
        double dataMax = fixedMax is > 0 ? fixedMax.Value : values.Count > 0 ? values.Max() : 10.0;
        if (dataMax <= dataMin)
        {
            (dataMin, dataMax) = (dataMin / 2.0, dataMin * 2.0);
        }

        // Pad in log space, then round out to 1, 2 or 5 times a power of ten when that costs little room.
        double decadesOfData = Math.Log10(dataMax / dataMin);
        double logMin = Math.Log10(dataMin) - (margin * decadesOfData);
        double logMax = Math.Log10(dataMax) + (margin * decadesOfData);
        double min = fixedMin is > 0 ? dataMin
            : Math.Pow(10.0, Snap(logMin, Math.Log10(SnapLog(Math.Pow(10.0, logMin), down: true)), Math.Log10(dataMin), decadesOfData));
        double max = fixedMax is > 0 ? dataMax
            : Math.Pow(10.0, Snap(logMax, Math.Log10(SnapLog(Math.Pow(10.0, logMax), down: false)), Math.Log10(dataMax), decadesOfData));
        double decades = Math.Log10(max / min);

        var labelled = AxisTicks.Log(min, max, maxTicks).ToList();

        // With few decades, 2x and 5x (and with under one decade, 3x, 4x, 6x, 8x) get labels too;
        // the other in-between values are faint unlabelled gridlines.
        int[] extraLabels = decades <= 0.8 ? [2, 3, 4, 5, 6, 8]
            : labelled.Count + (2 * Math.Ceiling(decades)) <= maxTicks + 2 ? [2, 5]
            : [];
        var minor = new List<double>();
        for (int e = (int)Math.Floor(Math.Log10(min)); e <= (int)Math.Ceiling(Math.Log10(max)); e++)
        {
            for (int m = 2; m <= 9; m++)
            {
                double v = m * Math.Pow(10.0, e);
                if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9) && (decades <= 4 || extraLabels.Contains(m)))
                {
                    (extraLabels.Contains(m) ? labelled : minor).Add(v);
                }
            }
        }

        // Over many decades the in-between values are too dense; show skipped powers of ten instead.
        if (decades > 4)
        {
            for (int e = (int)Math.Ceiling(Math.Log10(min) - 1e-9); e <= (int)Math.Floor(Math.Log10(max) + 1e-9); e++)
            {
                double v = Math.Pow(10.0, e);
                if (!labelled.Any(t => Math.Abs((t / v) - 1) < 1e-9))
                {
                    minor.Add(v);
                }
            }
        }

        labelled.Sort();
        var ticks = labelled.Select(v => (v, AxisTicks.Format(v))).ToList();
        return new Axis(min, max, log: true, ticks, minor);
    }

    private static double SnapLog(double value, bool down)
    {
        double decade = Math.Pow(10.0, Math.Floor(Math.Log10(value)));
        double mantissa = value / decade;
        double snapped = down
            ? LogMantissas.Last(m => m <= mantissa * (1 + 1e-9))
            : LogMantissas.First(m => m >= mantissa * (1 - 1e-9));
        return snapped * decade;
    }
}
