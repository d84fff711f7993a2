namespace SegHeads.Plotting;

/// <summary>
/// One line of a <see cref="LineChart"/>: points, an optional shaded band (lower/upper per x), a line
/// style and optional markers. Non-finite values break the line and the band.
/// </summary>
public sealed class Series
{
    /// <summary>Creates a series.</summary>
    /// <param name="name">Legend text; an empty name keeps the series out of the legend.</param>
    /// <param name="x">X values.</param>
    /// <param name="y">Y values, as many as <paramref name="x"/>.</param>
    public Series(string name, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"x has {x.Count} values but y has {y.Count}.", nameof(y));
        }

        Name = name;
        X = x;
        Y = y;
    }

    /// <summary>Legend text.</summary>
    public string Name { get; }

    /// <summary>X values.</summary>
    public IReadOnlyList<double> X { get; }

    /// <summary>Y values.</summary>
    public IReadOnlyList<double> Y { get; }

    /// <summary>Line colour; null picks <see cref="Palette.Category"/> by the series' position in its chart.</summary>
    public Rgba? Color { get; set; }

    /// <summary>Solid, dashed or dotted.</summary>
    public LineStyle Style { get; set; } = LineStyle.Solid;

    /// <summary>Line width in pixels (0 hides the line, e.g. for a markers-only series).</summary>
    public double LineWidth { get; set; } = 2.0;

    /// <summary>Marker drawn at the finite points (see <see cref="MarkerEvery"/>).</summary>
    public MarkerShape Marker { get; set; } = MarkerShape.None;

    /// <summary>Marker size in pixels; 0 picks one from the line width.</summary>
    public double MarkerSize { get; set; }

    /// <summary>Draw a marker at every n-th point only (1 = every point), so dense series keep the line visible.</summary>
    public int MarkerEvery { get; set; } = 1;

    /// <summary>Lower edge of the shaded band, or null for no band.</summary>
    public IReadOnlyList<double>? Lower { get; private set; }

    /// <summary>Upper edge of the shaded band, or null for no band.</summary>
    public IReadOnlyList<double>? Upper { get; private set; }

    /// <summary>Opacity of the band fill, 0..1.</summary>
    public double BandOpacity { get; set; } = 0.2;

    /// <summary>Adds a shaded band between <paramref name="lower"/> and <paramref name="upper"/>.</summary>
    /// <param name="lower">Lower edge, one value per x.</param>
    /// <param name="upper">Upper edge, one value per x.</param>
    /// <returns>This series, for chaining.</returns>
    public Series WithBand(IReadOnlyList<double> lower, IReadOnlyList<double> upper)
    {
        ArgumentNullException.ThrowIfNull(lower);
        ArgumentNullException.ThrowIfNull(upper);
        if (lower.Count != X.Count || upper.Count != X.Count)
        {
            throw new ArgumentException($"Band edges need {X.Count} values each, got {lower.Count} and {upper.Count}.");
        }

        Lower = lower;
        Upper = upper;
        return this;
    }

    /// <summary>
    /// Aggregates several runs sampled at the same x into their mean, with a band showing the spread.
    /// NaN entries are ignored per x; an x where every run is NaN gives NaN (a gap).
    /// </summary>
    /// <param name="name">Legend text.</param>
    /// <param name="x">Shared x values.</param>
    /// <param name="runs">One y list per run, each as long as <paramref name="x"/>.</param>
    /// <param name="spread">Min-max or mean plus/minus one population standard deviation.</param>
    public static Series FromRuns(string name, IReadOnlyList<double> x, IReadOnlyList<IReadOnlyList<double>> runs, SpreadKind spread = SpreadKind.MinMax)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(runs);
        if (runs.Count == 0)
        {
            throw new ArgumentException("At least one run is needed.", nameof(runs));
        }

        if (runs.Any(r => r is null || r.Count != x.Count))
        {
            throw new ArgumentException($"Every run needs {x.Count} values.", nameof(runs));
        }

        var mean = new double[x.Count];
        var lower = new double[x.Count];
        var upper = new double[x.Count];
        for (int i = 0; i < x.Count; i++)
        {
            var values = runs.Select(r => r[i]).Where(double.IsFinite).ToArray();
            if (values.Length == 0)
            {
                mean[i] = lower[i] = upper[i] = double.NaN;
                continue;
            }

            mean[i] = values.Average();
            if (spread == SpreadKind.MinMax)
            {
                lower[i] = values.Min();
                upper[i] = values.Max();
            }
            else
            {
                double m = mean[i];
                double std = Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / values.Length);
                lower[i] = m - std;
                upper[i] = m + std;
            }
        }

        return new Series(name, x, mean).WithBand(lower, upper);
    }
}
