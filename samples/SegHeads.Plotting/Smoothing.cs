namespace SegHeads.Plotting;

/// <summary>Smoothing for noisy per-step curves.</summary>
public static class Smoothing
{
    /// <summary>Trailing moving mean: element i averages the last <paramref name="window"/> values up to i (fewer at the start).</summary>
    /// <param name="values">The curve.</param>
    /// <param name="window">Window length, at least 1.</param>
    public static double[] MovingMean(IReadOnlyList<double> values, int window)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window)
            {
                sum -= values[i - window];
            }

            result[i] = sum / Math.Min(i + 1, window);
        }

        return result;
    }
}
