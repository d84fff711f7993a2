namespace SegHeads.Plotting;

/// <summary>A marker drawn at the data points of a series.</summary>
public enum MarkerShape
{
    /// <summary>No markers.</summary>
    None,

    /// <summary>A filled circle.</summary>
    Circle,

    /// <summary>A filled square.</summary>
    Square,

    /// <summary>A filled diamond.</summary>
    Diamond,

    /// <summary>A circle outline: a line drawn under it stays visible (theory markers over a simulation).</summary>
    OpenCircle,
}
