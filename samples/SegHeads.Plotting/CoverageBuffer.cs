namespace SegHeads.Plotting;

/// <summary>Per-pixel coverage (0..1) over a rectangle; shapes are combined by taking the maximum.</summary>
internal sealed class CoverageBuffer
{
    private readonly int left;
    private readonly int top;

    public CoverageBuffer(int left, int top, int width, int height)
    {
        this.left = left;
        this.top = top;
        Width = width;
        Height = height;
        Values = new float[width * height];
    }

    public int Width { get; }

    public int Height { get; }

    public float[] Values { get; }

    /// <summary>Adds a segment with round caps: coverage falls off linearly over one pixel at the edge.</summary>
    public void AddCapsule(double x0, double y0, double x1, double y1, double halfWidth)
    {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double length = Math.Sqrt((dx * dx) + (dy * dy));
        bool alongX = Math.Abs(dx) >= Math.Abs(dy);
        double major = alongX ? dx : dy;

        // How far (across the major axis) the stroke reaches from its centre line, plus AA margin.
        double extent = (major == 0 ? halfWidth : halfWidth * length / Math.Abs(major)) + 1.5;
        double lo = (alongX ? Math.Min(x0, x1) : Math.Min(y0, y1)) - halfWidth - 1.0;
        double hi = (alongX ? Math.Max(x0, x1) : Math.Max(y0, y1)) + halfWidth + 1.0;
        int firstMajor = (int)Math.Floor(lo);
        int lastMajor = (int)Math.Ceiling(hi);
        for (int m = firstMajor; m <= lastMajor; m++)
        {
            double center = m + 0.5;
            double t = major == 0 ? 0.0 : Math.Clamp((center - (alongX ? x0 : y0)) / major, 0.0, 1.0);
            double minorCenter = alongX ? y0 + (t * dy) : x0 + (t * dx);
            int firstMinor = (int)Math.Floor(minorCenter - extent);
            int lastMinor = (int)Math.Ceiling(minorCenter + extent);
            for (int n = firstMinor; n <= lastMinor; n++)
            {
                int px = alongX ? m : n;
                int py = alongX ? n : m;
                int bx = px - left;
                int by = py - top;
                if (bx < 0 || by < 0 || bx >= Width || by >= Height)
                {
                    continue;
                }

                double d = DistanceToSegment(px + 0.5, py + 0.5, x0, y0, dx, dy, length);
                float c = (float)Math.Clamp(halfWidth + 0.5 - d, 0.0, 1.0);
                int i = (by * Width) + bx;
                if (c > Values[i])
                {
                    Values[i] = c;
                }
            }
        }
    }

    private static double DistanceToSegment(double px, double py, double x0, double y0, double dx, double dy, double length)
    {
        double t = length == 0 ? 0.0 : Math.Clamp((((px - x0) * dx) + ((py - y0) * dy)) / (length * length), 0.0, 1.0);
        double ex = px - (x0 + (t * dx));
        double ey = py - (y0 + (t * dy));
        return Math.Sqrt((ex * ex) + (ey * ey));
    }
}
