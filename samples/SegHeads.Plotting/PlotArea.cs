namespace SegHeads.Plotting;

/// <summary>The data rectangle of a chart and its two axes: maps data values to pixel coordinates.</summary>
internal sealed record PlotArea(int Left, int Top, int Width, int Height, Axis XAxis, Axis YAxis)
{
    /// <summary>One past the last pixel row of the rectangle.</summary>
    public int Bottom => Top + Height;

    /// <summary>Pixel-centre coordinates of a data point; NaN components when it cannot be shown.</summary>
    public (double X, double Y) ToPixel(double x, double y) => (ColumnOfFraction(XAxis.Fraction(x)), RowOfFraction(YAxis.Fraction(y)));

    public double ColumnOfFraction(double fraction) => Left + 0.5 + (fraction * (Width - 1));

    public double RowOfFraction(double fraction) => Top + Height - 0.5 - (fraction * (Height - 1));

    public int PixelColumnOf(double x) => (int)Math.Floor(ColumnOfFraction(XAxis.Fraction(x)));

    public int PixelRowOf(double y) => (int)Math.Floor(RowOfFraction(YAxis.Fraction(y)));
}
