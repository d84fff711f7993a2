namespace SegHeads.Imaging.Datasets;

/// <summary>An image size in pixels.</summary>
/// <param name="Height">Height H (rows).</param>
/// <param name="Width">Width W (columns).</param>
public readonly record struct ImageSize(int Height, int Width)
{
    /// <summary>The size as <c>H×W</c>.</summary>
    /// <returns>For example <c>32×48</c>.</returns>
    public override string ToString() => FormattableString.Invariant($"{Height}×{Width}");
}
