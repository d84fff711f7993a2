namespace SegHeads.Plotting;

/// <summary>
/// Rows of image tiles (e.g. input, ground truth, prediction) with column headers, row captions, integer
/// upscaling and an optional key of the mask classes that appear.
/// </summary>
public sealed class ImageGrid
{
    private const int Pad = 12;
    private const int Gap = 8;
    private static readonly Rgba TextColor = new(34, 34, 34);
    private static readonly Rgba BorderColor = new(150, 150, 150);
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

    /// <summary>Font scale of headers, captions and the class key.</summary>
    public int FontScale { get; set; } = 2;

    /// <summary>Class names for the key under the grid; null draws no key. Classes without a name are
    /// shown as their index.</summary>
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

    /// <summary>Renders the grid onto a new white canvas sized to fit.</summary>
    public Canvas ToCanvas()
    {
        if (rows.Count == 0)
        {
            throw new InvalidOperationException("Add at least one row before rendering.");
        }

        int fs = FontScale;
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

        for (int c = 0; c < columns; c++)
        {
            string header = c < ColumnHeaders.Count ? ColumnHeaders[c] : string.Empty;
            int headerWidth = Canvas.MeasureText(header, fs).Width;
            columnWidths[c] = Math.Max(columnWidths[c], headerWidth == 0 ? 0 : headerWidth + (2 * Gap));
        }

        var rowHeights = rows.Select(r => r.Tiles.Max(t => t.Height) * scale).ToArray();
        int captionWidth = rows.Select(r => r.Caption is null ? 0 : Canvas.MeasureText(r.Caption, fs).Width).Max();
        int gridLeft = Pad + (captionWidth > 0 ? captionWidth + Gap + 4 : 0);
        int titleHeight = string.IsNullOrEmpty(Title) ? 0 : Canvas.MeasureText(Title, fs, bold: true).Height + Gap + 4;
        int headerHeight = ColumnHeaders.Count > 0 ? (8 * fs) + Gap : 0;
        int gridTop = Pad + titleHeight + headerHeight;
        int gridWidth = columnWidths.Sum() + (Gap * (columns - 1));
        int gridHeight = rowHeights.Sum() + (Gap * (rows.Count - 1));
        int canvasWidth = gridLeft + gridWidth + Pad;

        var key = ClassKey(canvasWidth - (2 * Pad), fs);
        int keyHeight = key.Count == 0 ? 0 : Gap + 4 + ((key.Max(k => k.Line) + 1) * ((9 * fs) + 6));
        var canvas = new Canvas(canvasWidth, gridTop + gridHeight + keyHeight + Pad);

        if (!string.IsNullOrEmpty(Title))
        {
            canvas.DrawText(Title, Pad, Pad, TextColor, fs, bold: true);
        }

        int columnX = gridLeft;
        for (int c = 0; c < columns; c++)
        {
            if (c < ColumnHeaders.Count)
            {
                int width = Canvas.MeasureText(ColumnHeaders[c], fs).Width;
                canvas.DrawText(ColumnHeaders[c], columnX + ((columnWidths[c] - width) / 2), Pad + titleHeight, TextColor, fs);
            }

            columnX += columnWidths[c] + Gap;
        }

        int rowY = gridTop;
        for (int r = 0; r < rows.Count; r++)
        {
            var (caption, tiles) = rows[r];
            if (caption is not null)
            {
                var (width, height) = Canvas.MeasureText(caption, fs);
                canvas.DrawText(caption, gridLeft - Gap - 4 - width, rowY + ((rowHeights[r] - height) / 2), TextColor, fs);
            }

            int x = gridLeft;
            for (int c = 0; c < tiles.Length; c++)
            {
                var tile = tiles[c];
                int tileX = x + ((columnWidths[c] - (tile.Width * scale)) / 2);
                int tileY = rowY + ((rowHeights[r] - (tile.Height * scale)) / 2);
                canvas.DrawImage(tileX, tileY, tile.Width, tile.Height, tile.Pixels, scale);
                canvas.DrawRect(tileX - 1, tileY - 1, (tile.Width * scale) + 2, (tile.Height * scale) + 2, BorderColor);
                x += columnWidths[c] + Gap;
            }

            rowY += rowHeights[r] + Gap;
        }

        int keyTop = gridTop + gridHeight + Gap + 4;
        foreach (var (label, color, line, x) in key)
        {
            int y = keyTop + (line * ((9 * fs) + 6));
            int swatch = 8 * fs;
            canvas.FillRect(Pad + x, y, swatch, swatch, color);
            canvas.DrawRect(Pad + x, y, swatch, swatch, BorderColor);
            canvas.DrawText(label, Pad + x + swatch + 6, y, TextColor, fs);
        }

        return canvas;
    }

    /// <summary>Renders the grid and writes it as a PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    public void SavePng(string path) => ToCanvas().SavePng(path);

    // Swatch + label for every class that appears in a mask, wrapped to the available width.
    private List<(string Label, Rgba Color, int Line, int X)> ClassKey(int availableWidth, int fs)
    {
        var result = new List<(string Label, Rgba Color, int Line, int X)>();
        if (ClassNames is null)
        {
            return result;
        }

        var present = rows.SelectMany(r => r.Tiles).SelectMany(t => t.Classes).Distinct().Order();
        int line = 0, x = 0;
        foreach (int k in present)
        {
            string label = k < ClassNames.Count ? ClassNames[k] : k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            int width = (8 * fs) + 6 + Canvas.MeasureText(label, fs).Width + (4 * Gap);
            if (x > 0 && x + width - (4 * Gap) > availableWidth)
            {
                line++;
                x = 0;
            }

            result.Add((label, Palette.Category(k), line, x));
            x += width;
        }

        return result;
    }
}
