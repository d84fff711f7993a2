namespace SegHeads.Plotting;

/// <summary>How a line is stroked.</summary>
public enum LineStyle
{
    /// <summary>A continuous line.</summary>
    Solid,

    /// <summary>Dashes with gaps, scaled to the line width.</summary>
    Dashed,

    /// <summary>Round dots, scaled to the line width.</summary>
    Dotted,
}
