namespace SegHeads.Plotting;

/// <summary>A marker drawn at every finite data point of a series.</summary>
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
}
