namespace SegHeads.Plotting;

/// <summary>Colours for series and class masks.</summary>
public static class Palette
{
    // The ten "tab10" colours: distinguishable, familiar from matplotlib.
    private static readonly Rgba[] Tab10 =
    [
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    ];

    /// <summary>Number of hand-picked categorical colours before generated ones take over.</summary>
    public const int CategoryCount = 10;

    /// <summary>Colour for ignored or unlabelled mask pixels (light grey).</summary>
    public static Rgba Ignore => new(200, 200, 200);

    /// <summary>
    /// The <paramref name="index"/>-th categorical colour: the ten tab10 colours, then generated colours
    /// (golden-angle hues, alternating lightness) so masks with many classes stay distinguishable.
    /// </summary>
    /// <param name="index">A non-negative series or class index.</param>
    public static Rgba Category(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index < CategoryCount)
        {
            return Tab10[index];
        }

        int k = index - CategoryCount;
        double hue = (k * 137.508 + 20.0) % 360.0;
        double value = (k % 3) switch { 0 => 0.85, 1 => 0.65, _ => 0.95 };
        double saturation = (k % 2) == 0 ? 0.75 : 0.5;
        return FromHsv(hue, saturation, value);
    }

    /// <summary>Converts hue (degrees), saturation and value (0..1) to an opaque colour.</summary>
    /// <param name="hue">Hue in degrees; wrapped into 0..360.</param>
    /// <param name="saturation">Saturation, 0..1.</param>
    /// <param name="value">Value (brightness), 0..1.</param>
    public static Rgba FromHsv(double hue, double saturation, double value)
    {
        double h = ((hue % 360.0) + 360.0) % 360.0 / 60.0;
        double c = value * saturation;
        double x = c * (1.0 - Math.Abs((h % 2.0) - 1.0));
        double m = value - c;
        (double r, double g, double b) = (int)h switch
        {
            0 => (c, x, 0.0),
            1 => (x, c, 0.0),
            2 => (0.0, c, x),
            3 => (0.0, x, c),
            4 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        return new Rgba(Rgba.ToByte(r + m), Rgba.ToByte(g + m), Rgba.ToByte(b + m));
    }
}
