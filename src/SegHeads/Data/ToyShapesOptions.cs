namespace SegHeads.Data;

/// <summary>Configuration of <see cref="ToyShapes"/>.</summary>
public sealed record ToyShapesOptions
{
    /// <summary>Largest number of classes (background + five shapes).</summary>
    public const int MaxClasses = 6;

    /// <summary>Image height and width. Default 64.</summary>
    public int ImageSize { get; init; } = 64;

    /// <summary>Classes including background (class 0): 2..6 for circle, square, triangle, ring, cross. Default 4.</summary>
    public int NumClasses { get; init; } = 4;

    /// <summary>Number of images. Default 512.</summary>
    public int Count { get; init; } = 512;

    /// <summary>Seed; the same seed gives the same images. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>Largest number of shapes per image (at least one). Default 3.</summary>
    public int MaxShapes { get; init; } = 3;

    /// <summary>Standard deviation of the per-pixel Gaussian noise. Default 0.08.</summary>
    public double Noise { get; init; } = 0.08;

    /// <summary>Amplitude of the low-frequency background texture. Default 0.15.</summary>
    public double Texture { get; init; } = 0.15;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public ToyShapesOptions Validate()
    {
        if (ImageSize < 8)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, $"ImageSize must be at least 8, but was {ImageSize}.");
        }

        if (NumClasses is < 2 or > MaxClasses)
        {
            throw new ArgumentOutOfRangeException(nameof(NumClasses), NumClasses, $"NumClasses must be between 2 and {MaxClasses}, but was {NumClasses}.");
        }

        if (Count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Count), Count, $"Count must be positive, but was {Count}.");
        }

        if (ImageSize > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), ImageSize, $"ImageSize must be at most 4096, but was {ImageSize}.");
        }

        GeneratedDataBudget.Require(Count, 3, ImageSize, nameof(ToyShapesOptions));

        if (MaxShapes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxShapes), MaxShapes, $"MaxShapes must be positive, but was {MaxShapes}.");
        }

        if (Noise < 0 || Texture < 0 || double.IsNaN(Noise) || double.IsNaN(Texture))
        {
            throw new ArgumentOutOfRangeException(nameof(Noise), $"Noise and Texture must be non-negative, but were {Noise} and {Texture}.");
        }

        return this;
    }
}
