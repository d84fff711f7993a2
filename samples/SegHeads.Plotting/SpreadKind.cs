namespace SegHeads.Plotting;

/// <summary>What the shaded band around an aggregated series shows.</summary>
public enum SpreadKind
{
    /// <summary>From the smallest to the largest run at each x.</summary>
    MinMax,

    /// <summary>Mean minus to mean plus one (population) standard deviation.</summary>
    StdDev,
}
