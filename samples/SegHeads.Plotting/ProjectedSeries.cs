namespace SegHeads.Plotting;

/// <summary>A series mapped to pixels: its resolved colour, its polyline (NaN points break it) and the
/// polygons of its band.</summary>
internal sealed record ProjectedSeries(
    Series Series,
    Rgba Color,
    List<(double X, double Y)> Line,
    List<List<(double X, double Y)>> BandPolygons);
