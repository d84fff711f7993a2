namespace SegHeads.Plotting;

/// <summary>
/// An RGBA raster with simple anti-aliased drawing. Pixel (x, y) covers the square [x, x+1) x [y, y+1),
/// so a 1-pixel line through pixel centres uses half-integer coordinates. Every drawing call
/// alpha-blends ("source over") and respects the clip rectangle (<see cref="SetClip"/>).
/// </summary>
public sealed class Canvas
{
    private readonly byte[] pixels;
    private int clipLeft;
    private int clipTop;
    private int clipRight;
    private int clipBottom;

    /// <summary>Creates a canvas filled with white.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    public Canvas(int width, int height)
        : this(width, height, Rgba.White)
    {
    }

    /// <summary>Creates a canvas filled with <paramref name="background"/>.</summary>
    /// <param name="width">Width in pixels (at least 1).</param>
    /// <param name="height">Height in pixels (at least 1).</param>
    /// <param name="background">The initial colour of every pixel.</param>
    public Canvas(int width, int height, Rgba background)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        pixels = new byte[checked(width * height * 4)];
        ResetClip();
        Clear(background);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Reads one pixel.</summary>
    /// <param name="x">Column, 0..Width-1.</param>
    /// <param name="y">Row, 0..Height-1.</param>
    public Rgba GetPixel(int x, int y)
    {
        int i = Index(x, y);
        return new Rgba(pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]);
    }

    /// <summary>Overwrites one pixel (no blending, no clipping beyond the canvas bounds).</summary>
    /// <param name="x">Column, 0..Width-1.</param>
    /// <param name="y">Row, 0..Height-1.</param>
    /// <param name="color">The new value.</param>
    public void SetPixel(int x, int y, Rgba color)
    {
        int i = Index(x, y);
        pixels[i] = color.R;
        pixels[i + 1] = color.G;
        pixels[i + 2] = color.B;
        pixels[i + 3] = color.A;
    }

    /// <summary>Blends <paramref name="color"/> over one pixel with extra <paramref name="coverage"/>
    /// (0..1); ignored outside the clip rectangle.</summary>
    /// <param name="x">Column.</param>
    /// <param name="y">Row.</param>
    /// <param name="color">The colour to blend.</param>
    /// <param name="coverage">Fraction of the pixel covered, multiplied into the colour's alpha.</param>
    public void BlendPixel(int x, int y, Rgba color, double coverage = 1.0)
    {
        if (x < clipLeft || y < clipTop || x >= clipRight || y >= clipBottom)
        {
            return;
        }

        double a = color.A / 255.0 * Math.Clamp(coverage, 0.0, 1.0);
        if (a <= 0.0)
        {
            return;
        }

        int i = ((y * Width) + x) * 4;
        if (a >= 1.0)
        {
            pixels[i] = color.R;
            pixels[i + 1] = color.G;
            pixels[i + 2] = color.B;
            pixels[i + 3] = 255;
            return;
        }

        double dstA = pixels[i + 3] / 255.0;
        double outA = a + (dstA * (1.0 - a));
        double keep = dstA * (1.0 - a);
        pixels[i] = (byte)Math.Round(((color.R * a) + (pixels[i] * keep)) / outA);
        pixels[i + 1] = (byte)Math.Round(((color.G * a) + (pixels[i + 1] * keep)) / outA);
        pixels[i + 2] = (byte)Math.Round(((color.B * a) + (pixels[i + 2] * keep)) / outA);
        pixels[i + 3] = (byte)Math.Round(outA * 255.0);
    }

    /// <summary>A copy of the pixels: row-major, 4 bytes (R, G, B, A) per pixel.</summary>
    public byte[] ToRgbaBytes() => (byte[])pixels.Clone();

    /// <summary>Restricts drawing to a rectangle (intersected with the canvas).</summary>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="width">Width.</param>
    /// <param name="height">Height.</param>
    public void SetClip(int x, int y, int width, int height)
    {
        clipLeft = Math.Clamp(x, 0, Width);
        clipTop = Math.Clamp(y, 0, Height);
        clipRight = Math.Clamp(x + Math.Max(0, width), clipLeft, Width);
        clipBottom = Math.Clamp(y + Math.Max(0, height), clipTop, Height);
    }

    /// <summary>Allows drawing anywhere on the canvas again.</summary>
    public void ResetClip()
    {
        clipLeft = 0;
        clipTop = 0;
        clipRight = Width;
        clipBottom = Height;
    }

    /// <summary>Overwrites every pixel with <paramref name="color"/>, ignoring the clip rectangle.</summary>
    /// <param name="color">The fill colour.</param>
    public void Clear(Rgba color)
    {
        for (int i = 0; i < pixels.Length; i += 4)
        {
            pixels[i] = color.R;
            pixels[i + 1] = color.G;
            pixels[i + 2] = color.B;
            pixels[i + 3] = color.A;
        }
    }

    /// <summary>Fills an axis-aligned rectangle.</summary>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="color">The fill colour (blended).</param>
    public void FillRect(int x, int y, int width, int height, Rgba color)
    {
        int x0 = Math.Max(x, clipLeft);
        int y0 = Math.Max(y, clipTop);
        int x1 = Math.Min(x + width, clipRight);
        int y1 = Math.Min(y + height, clipBottom);
        for (int py = y0; py < y1; py++)
        {
            for (int px = x0; px < x1; px++)
            {
                BlendPixel(px, py, color);
            }
        }
    }

    /// <summary>Outlines an axis-aligned rectangle with the border inside its bounds.</summary>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="color">The border colour.</param>
    /// <param name="thickness">Border thickness in pixels.</param>
    public void DrawRect(int x, int y, int width, int height, Rgba color, int thickness = 1)
    {
        int t = Math.Min(thickness, Math.Min(width, height) / 2);
        if (t <= 0)
        {
            FillRect(x, y, width, height, color);
            return;
        }

        FillRect(x, y, width, t, color);
        FillRect(x, y + height - t, width, t, color);
        FillRect(x, y + t, t, height - (2 * t), color);
        FillRect(x + width - t, y + t, t, height - (2 * t), color);
    }

    /// <summary>Draws an anti-aliased line with round caps.</summary>
    /// <param name="x0">Start x.</param>
    /// <param name="y0">Start y.</param>
    /// <param name="x1">End x.</param>
    /// <param name="y1">End y.</param>
    /// <param name="color">The line colour.</param>
    /// <param name="thickness">Line width in pixels.</param>
    /// <param name="style">Solid, dashed or dotted.</param>
    public void DrawLine(double x0, double y0, double x1, double y1, Rgba color, double thickness = 1.0, LineStyle style = LineStyle.Solid) =>
        DrawPolyline([(x0, y0), (x1, y1)], color, thickness, style);

    /// <summary>
    /// Draws connected line segments as one stroke (overlaps at joints are not blended twice, and dashes
    /// continue across joints). A point with a NaN or infinite coordinate breaks the line.
    /// </summary>
    /// <param name="points">The vertices in order.</param>
    /// <param name="color">The line colour.</param>
    /// <param name="thickness">Line width in pixels.</param>
    /// <param name="style">Solid, dashed or dotted.</param>
    public void DrawPolyline(IReadOnlyList<(double X, double Y)> points, Rgba color, double thickness = 1.0, LineStyle style = LineStyle.Solid)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (thickness <= 0 || points.Count == 0)
        {
            return;
        }

        double halfWidth = thickness / 2.0;
        var segments = new List<(double X0, double Y0, double X1, double Y1)>();
        var dashes = new DashPattern(style, thickness);
        for (int i = 0; i < points.Count; i++)
        {
            (double x, double y) = points[i];
            if (!double.IsFinite(x) || !double.IsFinite(y))
            {
                continue;
            }

            bool hasNext = i + 1 < points.Count && double.IsFinite(points[i + 1].X) && double.IsFinite(points[i + 1].Y);
            bool hasPrevious = i > 0 && double.IsFinite(points[i - 1].X) && double.IsFinite(points[i - 1].Y);
            if (hasNext)
            {
                dashes.Split(x, y, points[i + 1].X, points[i + 1].Y, segments);
            }
            else if (!hasPrevious && style == LineStyle.Solid)
            {
                segments.Add((x, y, x, y)); // an isolated point still shows as a dot
            }
        }

        StrokeSegments(segments, halfWidth, color);
    }

    /// <summary>Fills a polygon (even-odd rule) with anti-aliased edges. Non-finite points are skipped.</summary>
    /// <param name="points">The vertices; the polygon closes itself.</param>
    /// <param name="color">The fill colour.</param>
    public void FillPolygon(IReadOnlyList<(double X, double Y)> points, Rgba color)
    {
        ArgumentNullException.ThrowIfNull(points);
        var vertices = points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        if (vertices.Count < 3)
        {
            return;
        }

        int left = Math.Max(clipLeft, (int)Math.Floor(vertices.Min(p => p.X)));
        int right = Math.Min(clipRight, (int)Math.Ceiling(vertices.Max(p => p.X)) + 1);
        int top = Math.Max(clipTop, (int)Math.Floor(vertices.Min(p => p.Y)));
        int bottom = Math.Min(clipBottom, (int)Math.Ceiling(vertices.Max(p => p.Y)) + 1);
        if (left >= right || top >= bottom)
        {
            return;
        }

        const int SubScanlines = 4;
        int spanWidth = right - left;
        var coverage = new double[spanWidth];
        var crossings = new List<double>();
        for (int py = top; py < bottom; py++)
        {
            Array.Clear(coverage);
            for (int s = 0; s < SubScanlines; s++)
            {
                double sy = py + ((s + 0.5) / SubScanlines);
                crossings.Clear();
                for (int i = 0; i < vertices.Count; i++)
                {
                    (double ax, double ay) = vertices[i];
                    (double bx, double by) = vertices[(i + 1) % vertices.Count];
                    if ((ay <= sy && sy < by) || (by <= sy && sy < ay))
                    {
                        crossings.Add(ax + ((sy - ay) * (bx - ax) / (by - ay)));
                    }
                }

                crossings.Sort();
                for (int i = 0; i + 1 < crossings.Count; i += 2)
                {
                    AccumulateSpan(coverage, left, crossings[i], crossings[i + 1], 1.0 / SubScanlines);
                }
            }

            for (int i = 0; i < spanWidth; i++)
            {
                if (coverage[i] > 0)
                {
                    BlendPixel(left + i, py, color, coverage[i]);
                }
            }
        }
    }

    /// <summary>Fills an anti-aliased disc.</summary>
    /// <param name="centerX">Centre x.</param>
    /// <param name="centerY">Centre y.</param>
    /// <param name="radius">Radius in pixels.</param>
    /// <param name="color">The fill colour.</param>
    public void FillCircle(double centerX, double centerY, double radius, Rgba color)
    {
        if (radius <= 0 || !double.IsFinite(centerX) || !double.IsFinite(centerY))
        {
            return;
        }

        int x0 = Math.Max(clipLeft, (int)Math.Floor(centerX - radius - 1));
        int x1 = Math.Min(clipRight, (int)Math.Ceiling(centerX + radius + 1));
        int y0 = Math.Max(clipTop, (int)Math.Floor(centerY - radius - 1));
        int y1 = Math.Min(clipBottom, (int)Math.Ceiling(centerY + radius + 1));
        for (int py = y0; py < y1; py++)
        {
            for (int px = x0; px < x1; px++)
            {
                double d = Math.Sqrt(Square(px + 0.5 - centerX) + Square(py + 0.5 - centerY));
                BlendPixel(px, py, color, radius + 0.5 - d);
            }
        }
    }

    /// <summary>Size of <paramref name="text"/> as <see cref="DrawText"/> draws it (single line; the
    /// height includes the descender row).</summary>
    /// <param name="text">The text.</param>
    /// <param name="scale">Integer magnification (1 = 5x8 glyphs on a 6-pixel advance).</param>
    /// <param name="bold">Whether drawn bold (one pixel wider).</param>
    public static (int Width, int Height) MeasureText(string text, int scale = 1, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        return BitmapFont.Measure(text, scale, bold);
    }

    /// <summary>Draws one line of text with the built-in bitmap font; (x, y) is the top-left corner of
    /// the box <see cref="MeasureText"/> reports. Characters outside ASCII 32..126 draw as '?'.</summary>
    /// <param name="text">The text.</param>
    /// <param name="x">Left edge.</param>
    /// <param name="y">Top edge.</param>
    /// <param name="color">Text colour.</param>
    /// <param name="scale">Integer magnification; 2 and 4 are smoothed.</param>
    /// <param name="bold">Thickens strokes by one pixel.</param>
    public void DrawText(string text, int x, int y, Rgba color, int scale = 1, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        bool[] mask = BitmapFont.Rasterize(text, scale, bold, out int width, out int height);
        for (int my = 0; my < height; my++)
        {
            for (int mx = 0; mx < width; mx++)
            {
                if (mask[(my * width) + mx])
                {
                    BlendPixel(x + mx, y + my, color);
                }
            }
        }
    }

    /// <summary>Draws text rotated 90 degrees counter-clockwise (reading bottom to top), as for a y-axis
    /// label; (x, y) is the top-left of the rotated box, which is MeasureText's height wide and width tall.</summary>
    /// <param name="text">The text.</param>
    /// <param name="x">Left edge of the rotated box.</param>
    /// <param name="y">Top edge of the rotated box.</param>
    /// <param name="color">Text colour.</param>
    /// <param name="scale">Integer magnification.</param>
    /// <param name="bold">Thickens strokes by one pixel.</param>
    public void DrawTextVertical(string text, int x, int y, Rgba color, int scale = 1, bool bold = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        bool[] mask = BitmapFont.Rasterize(text, scale, bold, out int width, out int height);
        for (int my = 0; my < height; my++)
        {
            for (int mx = 0; mx < width; mx++)
            {
                if (mask[(my * width) + mx])
                {
                    BlendPixel(x + my, y + (width - 1 - mx), color);
                }
            }
        }
    }

    /// <summary>Blends an RGBA image onto the canvas, magnified by nearest-neighbour <paramref name="scale"/>.</summary>
    /// <param name="x">Left edge on the canvas.</param>
    /// <param name="y">Top edge on the canvas.</param>
    /// <param name="width">Source width in pixels.</param>
    /// <param name="height">Source height in pixels.</param>
    /// <param name="rgba">Source pixels, row-major, 4 bytes each (<c>width * height * 4</c> bytes).</param>
    /// <param name="scale">Integer magnification.</param>
    public void DrawImage(int x, int y, int width, int height, ReadOnlySpan<byte> rgba, int scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (rgba.Length != width * height * 4)
        {
            throw new ArgumentException($"Expected {width * height * 4} bytes for {width}x{height} RGBA, got {rgba.Length}.", nameof(rgba));
        }

        for (int sy = 0; sy < height; sy++)
        {
            for (int sx = 0; sx < width; sx++)
            {
                int i = ((sy * width) + sx) * 4;
                var color = new Rgba(rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]);
                for (int dy = 0; dy < scale; dy++)
                {
                    for (int dx = 0; dx < scale; dx++)
                    {
                        BlendPixel(x + (sx * scale) + dx, y + (sy * scale) + dy, color);
                    }
                }
            }
        }
    }

    /// <summary>Encodes the canvas as PNG bytes (8-bit RGBA).</summary>
    public byte[] EncodePng() => PngEncoder.Encode(Width, Height, pixels);

    /// <summary>Writes the canvas as a PNG file, atomically (temporary file, then a replacing move).</summary>
    /// <param name="path">Destination path; its directory is created if missing.</param>
    public void SavePng(string path) => AtomicFile.WriteAllBytes(path, EncodePng());

    private int Index(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return ((y * Width) + x) * 4;
    }

    private static double Square(double v) => v * v;

    private static void AccumulateSpan(double[] coverage, int left, double xa, double xb, double weight)
    {
        int first = Math.Max(0, (int)Math.Floor(xa) - left);
        int last = Math.Min(coverage.Length - 1, (int)Math.Floor(xb) - left);
        for (int i = first; i <= last; i++)
        {
            double pixelLeft = left + i;
            double overlap = Math.Min(xb, pixelLeft + 1) - Math.Max(xa, pixelLeft);
            if (overlap > 0)
            {
                coverage[i] += overlap * weight;
            }
        }
    }

    // Rasterises all capsules into one coverage buffer (max per pixel), then blends each pixel once.
    private void StrokeSegments(List<(double X0, double Y0, double X1, double Y1)> segments, double halfWidth, Rgba color)
    {
        if (segments.Count == 0)
        {
            return;
        }

        double pad = halfWidth + 1.0;
        int left = Math.Max(clipLeft, (int)Math.Floor(segments.Min(s => Math.Min(s.X0, s.X1)) - pad));
        int right = Math.Min(clipRight, (int)Math.Ceiling(segments.Max(s => Math.Max(s.X0, s.X1)) + pad));
        int top = Math.Max(clipTop, (int)Math.Floor(segments.Min(s => Math.Min(s.Y0, s.Y1)) - pad));
        int bottom = Math.Min(clipBottom, (int)Math.Ceiling(segments.Max(s => Math.Max(s.Y0, s.Y1)) + pad));
        if (left >= right || top >= bottom)
        {
            return;
        }

        var buffer = new CoverageBuffer(left, top, right - left, bottom - top);
        foreach (var s in segments)
        {
            buffer.AddCapsule(s.X0, s.Y0, s.X1, s.Y1, halfWidth);
        }

        for (int py = 0; py < buffer.Height; py++)
        {
            for (int px = 0; px < buffer.Width; px++)
            {
                float c = buffer.Values[(py * buffer.Width) + px];
                if (c > 0)
                {
                    BlendPixel(left + px, top + py, color, c);
                }
            }
        }
    }
}
