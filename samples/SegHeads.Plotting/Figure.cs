namespace SegHeads.Plotting;

/// <summary>A grid of <see cref="LineChart"/> panels under an optional overall title, saved as one image.</summary>
public sealed class Figure
{
    private const int Pad = 10;
    private readonly LineChart[] panels;

    /// <summary>Creates a figure with <paramref name="rows"/> x <paramref name="columns"/> empty panels.</summary>
    /// <param name="rows">Number of panel rows (at least 1).</param>
    /// <param name="columns">Number of panel columns (at least 1).</param>
    public Figure(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        Rows = rows;
        Columns = columns;
        panels = Enumerable.Range(0, rows * columns).Select(_ => new LineChart()).ToArray();
    }

    /// <summary>Number of panel rows.</summary>
    public int Rows { get; }

    /// <summary>Number of panel columns.</summary>
    public int Columns { get; }

    /// <summary>Overall title drawn above all panels, or null.</summary>
    public string? Title { get; set; }

    /// <summary>Font scale of the overall title.</summary>
    public int TitleScale { get; set; } = 2;

    /// <summary>The panel at (<paramref name="row"/>, <paramref name="column"/>), zero-based.</summary>
    /// <param name="row">Panel row.</param>
    /// <param name="column">Panel column.</param>
    public LineChart this[int row, int column]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(row);
            ArgumentOutOfRangeException.ThrowIfNegative(column);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Rows);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
            return panels[(row * Columns) + column];
        }
    }

    /// <summary>Renders the title and every panel over the whole of <paramref name="canvas"/>.</summary>
    /// <param name="canvas">Target canvas.</param>
    public void Render(Canvas canvas)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        int top = 0;
        if (!string.IsNullOrEmpty(Title))
        {
            var (width, height) = Canvas.MeasureText(Title, TitleScale, bold: true);
            canvas.DrawText(Title, Math.Max(Pad, (canvas.Width - width) / 2), Pad + 2, new Rgba(20, 20, 20), TitleScale, bold: true);
            top = height + Pad + 8;
        }

        int panelWidth = canvas.Width / Columns;
        int panelHeight = (canvas.Height - top) / Rows;
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                this[r, c].Render(canvas, c * panelWidth, top + (r * panelHeight), panelWidth, panelHeight);
            }
        }
    }

    /// <summary>Renders the figure onto a new white canvas sized to fit the panels.</summary>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    /// <param name="panelHeight">Height of each panel in pixels.</param>
    public Canvas ToCanvas(int panelWidth = 640, int panelHeight = 440)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(panelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(panelHeight);
        int titleHeight = string.IsNullOrEmpty(Title) ? 0 : Canvas.MeasureText(Title, TitleScale, bold: true).Height + Pad + 8;
        var canvas = new Canvas(panelWidth * Columns, (panelHeight * Rows) + titleHeight);
        Render(canvas);
        return canvas;
    }

    /// <summary>Renders the figure and writes it as one PNG file (atomically).</summary>
    /// <param name="path">Destination path.</param>
    /// <param name="panelWidth">Width of each panel in pixels.</param>
    /// <param name="panelHeight">Height of each panel in pixels.</param>
    public void SavePng(string path, int panelWidth = 640, int panelHeight = 440) =>
        ToCanvas(panelWidth, panelHeight).SavePng(path);
}
