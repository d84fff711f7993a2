namespace SegHeads.Plotting;

/// <summary>A series as drawn: its resolved colour and pixel geometry (used to place the legend).</summary>
internal sealed record DrawnSeries(Series Series, Rgba Color, List<(double X, double Y)> Line, List<(double X, double Y)> BandEdges);
