using System.Globalization;

namespace SegHeads.Heads;

/// <summary>The size of one convolution kernel, <c>Height × Width</c>, both odd (so that padding <c>k / 2</c> keeps the size).</summary>
/// <param name="Height">Rows of the kernel (odd, at least 1).</param>
/// <param name="Width">Columns of the kernel (odd, at least 1).</param>
public readonly record struct KernelShape(int Height, int Width)
{
    /// <summary>A square <c>k × k</c> kernel.</summary>
    /// <param name="size">Odd kernel size.</param>
    public static KernelShape Square(int size) => new(size, size);

    /// <summary>Whether height and width are equal.</summary>
    public bool IsSquare => Height == Width;

    /// <summary>The larger of the two radii, <c>max(Height, Width) / 2</c>.</summary>
    public int Radius => Math.Max(Height, Width) / 2;

    /// <summary>Weights per input and output channel pair, <c>Height · Width</c>.</summary>
    public int Area => Height * Width;

    /// <summary>The spec form <c>HxW</c>, e.g. <c>1x3</c> or <c>3x3</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Height}x{Width}");
}
