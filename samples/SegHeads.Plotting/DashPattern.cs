namespace SegHeads.Plotting;

/// <summary>Cuts a stroke into "on" pieces for a <see cref="LineStyle"/>, carrying the phase across
/// consecutive segments so dashes flow around corners.</summary>
internal sealed class DashPattern
{
    private readonly double on;
    private readonly double off;
    private readonly bool solid;
    private bool isOn = true;
    private double remaining;

    public DashPattern(LineStyle style, double thickness)
    {
        solid = style == LineStyle.Solid;
        (on, off) = style switch
        {
            // Round caps add thickness to each dash, so the visible gap is off - thickness.
            LineStyle.Dashed => (Math.Max(4.0, 3.5 * thickness), (2.5 * thickness) + 3.0),
            LineStyle.Dotted => (0.01, (1.5 * thickness) + 2.0),
            _ => (double.PositiveInfinity, 0.0),
        };
        remaining = on;
    }

    public void Split(double x0, double y0, double x1, double y1, List<(double X0, double Y0, double X1, double Y1)> output)
    {
        if (solid)
        {
            output.Add((x0, y0, x1, y1));
            return;
        }

        double dx = x1 - x0;
        double dy = y1 - y0;
        double length = Math.Sqrt((dx * dx) + (dy * dy));
        double position = 0.0;
        while (position < length)
        {
            double step = Math.Min(remaining, length - position);
            if (isOn)
            {
                double t0 = position / length;
                double t1 = (position + step) / length;
                output.Add((x0 + (t0 * dx), y0 + (t0 * dy), x0 + (t1 * dx), y0 + (t1 * dy)));
            }

            position += step;
            remaining -= step;
            if (remaining <= 1e-9)
            {
                isOn = !isOn;
                remaining = isOn ? on : off;
            }
        }
    }
}
