namespace SegHeads.Data;

/// <summary>Configuration of <see cref="ColorBlobs"/>.</summary>
public sealed record ColorBlobsOptions
{
    /// <summary>Image height and width. Default 32.</summary>
    public int ImageSize { get; init; } = 32;

    /// <summary>Classes K. Default 4.</summary>
    public int NumClasses { get; init; } = 4;

    /// <summary>Image channels. Default 3.</summary>
    public int Channels { get; init; } = 3;

    /// <summary>Number of images. Default 256.</summary>
    public int Count { get; init; } = 256;

    /// <summary>Seed. Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Seed of the class prototypes, separate from <see cref="Seed"/> so that training and
    /// validation sets drawn with different seeds share one colour per class. Default 0.
    /// </summary>
    public int PrototypeSeed { get; init; }

    /// <summary>Voronoi cells per image. Default 6.</summary>
    public int Cells { get; init; } = 6;

    /// <summary>Standard deviation of the per-pixel noise added to each class's prototype colour. Default 0.5.</summary>
    public double Noise { get; init; } = 0.5;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public ColorBlobsOptions Validate()
    {
        if (ImageSize < 2 || NumClasses < 2 || Channels < 1 || Count < 1 || Cells < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize),
                $"Need ImageSize >= 2, NumClasses >= 2, Channels >= 1, Count >= 1, Cells >= 1, but got {ImageSize}, {NumClasses}, {Channels}, {Count}, {Cells}.");
        }

        if (ImageSize > 4096 || Channels > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(ImageSize), $"ImageSize and Channels must be at most 4096, but were {ImageSize} and {Channels}.");
        }

        GeneratedDataBudget.Require(Count, Channels, ImageSize, nameof(ColorBlobsOptions));

        if (Noise < 0 || double.IsNaN(Noise))
        {
            throw new ArgumentOutOfRangeException(nameof(Noise), Noise, $"Noise must be non-negative, but was {Noise}.");
        }

        return this;
    }
}
