namespace SegHeads.Blocks;

/// <summary>A convolution kernel's spatial size <c>Height x Width</c> (weight <c>[K, C, Height, Width]</c>).</summary>
/// <param name="Height">Rows kh of the kernel.</param>
/// <param name="Width">Columns kw of the kernel.</param>
public readonly record struct KernelShape(int Height, int Width)
{
    /// <summary>A square <c>size x size</c> kernel.</summary>
    /// <param name="size">Rows and columns.</param>
    public static KernelShape Square(int size) => new(size, size);

    /// <summary>Whether both sides are odd, so that padding <c>(kh / 2, kw / 2)</c> keeps the size and the kernel has a centre.</summary>
    public bool IsOdd => Height % 2 == 1 && Width % 2 == 1;

    /// <summary>Whether height and width are equal.</summary>
    public bool IsSquare => Height == Width;

    /// <summary>The larger of the two radii, <c>max(Height, Width) / 2</c>.</summary>
    public int Radius => Math.Max(Height, Width) / 2;

    /// <summary>Weights per input and output channel pair, <c>Height · Width</c>.</summary>
    public int Area => Height * Width;

    /// <summary>The shape as <c>"{Height}x{Width}"</c>, e.g. <c>1x3</c>.</summary>
    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Height}x{Width}");
}
