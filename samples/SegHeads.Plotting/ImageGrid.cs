using System.Globalization;
using SkiaSharp;

namespace SegHeads.Plotting;

/// <summary>
/// Rows of image tiles (e.g. input, ground truth, prediction) with column headers, row captions, integer
/// upscaling (nearest neighbour, so class boundaries stay sharp) and a key of the mask classes that
/// appear, drawn with SkiaSharp.
/// </summary>
public sealed class ImageGrid
{
    private const int Pad = 12;
    private const int Gap = 8;
    private static readonly SKColor TextColor = new(34, 34, 34);
    private static readonly SKColor BorderColor = new(150, 150, 150);
    private readonly List<(string? Caption, ImageTile[] Tiles)> rows = [];

    /// <summary>Creates a grid with the given column headers (may be empty).</summary>
    /// <param name="columnHeaders">Header text per column, e.g. "input", "ground truth", "prediction".</param>
    public ImageGrid(params string[] columnHeaders)
    {
        ArgumentNullException.ThrowIfNull(columnHeaders);
        ColumnHeaders = [.. columnHeaders];
    }

    /// <summary>Header text per column.</summary>
    public IReadOnlyList<string> ColumnHeaders { get; }

    /// <summary>Title above the grid, or null.</summary>
    public string? Title { get; set; }

    /// <summary>Integer upscaling of every tile; 0 (default) picks one so tiles are at least 128 pixels.</summary>
    public int Scale { get; set; }

    /// <summary>Text size of headers, captions and the class key: 2 is the default, each step changes it by a quarter.</summary>
    public int FontScale { get; set; } = 2;

    /// <summary>Class names for the key under the grid (every class that appears in a mask gets a
    /// swatch); classes without a name, or all when this is null, are shown as "class k".</summary>
    public IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>Number of rows added so far.</summary>
    public int RowCount => rows.Count;

    /// <summary>Appends a row of tiles.</summary>
    /// <param name="caption">Text left of the row (e.g. "sample 3"), or null.</param>
    /// <param name="tiles">The row's tiles, left to right.</param>
    public void AddRow(string? caption, params ImageTile[] tiles)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        if (tiles.Length == 0 || tiles.Any(t => t is null))
        {
            throw new ArgumentException("A row needs at least one tile and no nulls.", nameof(tiles));
        }

        rows.Add((caption, [.. tiles]));
    }

    /// <summary>Renders the grid onto a new white image sized to fit.</summary>
    public RenderedImage ToCanvas()
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("Add at least one row before rendering.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(FontScale, 1);
        using var font = new SKFont(TextFont.Typeface(bold: false), 13f * (0.5f + (0.25f * FontScale)));
        using var boldFont = new SKFont(TextFont.Typeface(bold: true), font.Size * 1.1f);
        int lineHeight = (int)Math.Ceiling(font.Size * 1.3);
        int columns = Math.Max(ColumnHeaders.Count, rows.Max(r => r.Tiles.Length));
        int maxSide = rows.SelectMany(r => r.Tiles).Max(t => Math.Max(t.Width, t.Height));
        int scale = Scale > 0 ? Scale : Math.Max(1, (int)Math.Ceiling(128.0 / maxSide));

        var columnWidths = new int[columns];
        foreach (var (_, tiles) in rows)
        {
            for (int c = 0; c < tiles.Length; c++)
            {
                columnWidths[c] = Math.Max(columnWidths[c], tiles[c].Width * scale);
            }
        }

        for (int c = 0; c < ColumnHeaders.Count; c++)
        {
            int headerWidth = (int)Math.Ceiling(font.MeasureText(ColumnHeaders[c]));
            columnWidths[c] = Math.Max(columnWidths[c], headerWidth == 0 ? 0 : headerWidth + (2 * Gap));
        }

        var rowHeights = rows.Select(r => r.Tiles.Max(t => t.Height) * scale).ToArray();
        int captionWidth = rows.Select(r => r.Caption is null ? 0 : (int)Math.Ceiling(font.MeasureText(r.Caption))).Max();
        int gridLeft = Pad + (captionWidth > 0 ? captionWidth + Gap + 4 : 0);
        int titleHeight = string.IsNullOrEmpty(Title) ? 0 : (int)Math.Ceiling(boldFont.Size * 1.3) + Gap;
        int headerHeight = ColumnHeaders.Count > 0 ? lineHeight + Gap : 0;
        int gridTop = Pad + titleHeight + headerHeight;
        int gridWidth = columnWidths.Sum() + (Gap * (columns - 1));
        int gridHeight = rowHeights.Sum() + (Gap * (rows.Count - 1));
        int width = Math.Max(gridLeft + gridWidth + Pad, string.IsNullOrEmpty(Title) ? 0 : (int)Math.Ceiling(boldFont.MeasureText(Title)) + (2 * Pad));

        var key = ClassKey(font, width - (2 * Pad));
        int keyRowHeight = lineHeight + 6;
        int keyHeight = key.Count == 0 ? 0 : Gap + 4 + ((key.Max(k => k.Line) + 1) * keyRowHeight);
        int height = gridTop + gridHeight + keyHeight + Pad;

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var text = new SKPaint { Color = TextColor, IsAntialias = true };
        using var border = new SKPaint { Color = BorderColor, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        float ascent = -font.Metrics.Ascent;

        if (!string.IsNullOrEmpty(Title))
        {
            canvas.DrawText(Title, Pad, Pad - boldFont.Metrics.Ascent, SKTextAlign.Left, boldFont, text);
        }

        int columnX = gridLeft;
        for (int c = 0; c < columns; c++)
        {
            if (c < ColumnHeaders.Count)
            {
                canvas.DrawText(ColumnHeaders[c], columnX + (columnWidths[c] / 2f), Pad + titleHeight + ascent, SKTextAlign.Center, font, text);
            }

            columnX += columnWidths[c] + Gap;
        }

        int rowY = gridTop;
        for (int r = 0; r < rows.Count; r++)
        {
            var (caption, tiles) = rows[r];
            if (caption is not null)
            {
                canvas.DrawText(caption, gridLeft - Gap - 4, rowY + (rowHeights[r] / 2f) + (ascent / 2f), SKTextAlign.Right, font, text);
            }

            int x = gridLeft;
            for (int c = 0; c < tiles.Length; c++)
            {
                var tile = tiles[c];
                int tileX = x + ((columnWidths[c] - (tile.Width * scale)) / 2);
                int tileY = rowY + ((rowHeights[r] - (tile.Height * scale)) / 2);
                using (SKImage image = tile.ToSkiaImage())
                {
                    canvas.DrawImage(image, SKRect.Create(tileX, tileY, tile.Width * scale, tile.Height * scale), new SKSamplingOptions(SKFilterMode.Nearest), null);
                }

                canvas.DrawRect(tileX - 0.5f, tileY - 0.5f, (tile.Width * scale) + 1, (tile.Height * scale) + 1, border);
                x += columnWidths[c] + Gap;
            }

            rowY += rowHeights[r] + Gap;
        }

        int keyTop = gridTop + gridHeight + Gap + 4;
        int swatch = (int)Math.Round(font.Size);
        foreach (var (label, color, line, keyX) in key)
        {
            int y = keyTop + (line * keyRowHeight);
            using var fill = new SKPaint { Color = new SKColor(color.R, color.G, color.B, color.A) };
            canvas.DrawRect(Pad + keyX, y, swatch, swatch, fill);
            canvas.DrawRect(Pad + keyX - 0.5f, y - 0.5f, swatch + 1, swatch + 1, border);
            canvas.DrawText(label, Pad + keyX + swatch + 6, y + (swatch / 2f) + (ascent / 2.6f), SKTextAlign.Left, font, text);
        }

        return new RenderedImage(surface, width, height);
    }

    /// <summary>Renders the grid and writes it as a PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    public void SavePng(string path) => ToCanvas().SavePng(path);

    /// <summary>Key entries (label, colour) of every class that appears in a mask, ascending.</summary>
    public IReadOnlyList<(string Label, Rgba Color)> KeyEntries() =>
        rows.SelectMany(r => r.Tiles).SelectMany(t => t.Classes).Distinct().Order()
            .Select(k => (ClassNames is not null && k < ClassNames.Count ? ClassNames[k] : "class " + k.ToString(CultureInfo.InvariantCulture), Palette.Category(k)))
            .ToList();

    // Swatch + label for every class that appears in a mask, wrapped to the available width.
    private List<(string Label, Rgba Color, int Line, int X)> ClassKey(SKFont font, int availableWidth)
    {
        var result = new List<(string Label, Rgba Color, int Line, int X)>();
        int line = 0, x = 0;
        foreach (var (label, color) in KeyEntries())
        {
            int width = (int)Math.Round(font.Size) + 6 + (int)Math.Ceiling(font.MeasureText(label)) + (3 * Gap);
            if (x > 0 && x + width - (3 * Gap) > availableWidth)
            {
                line++;
                x = 0;
            }

            result.Add((label, color, line, x));
            x += width;
        }

        return result;
    }
}
