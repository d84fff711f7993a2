namespace SegHeads.Inference;

/// <summary>Configuration of <see cref="TiledPredictor"/>: window, stride, tile batch, blending and padding.</summary>
public sealed record TiledPredictorOptions
{
    /// <summary>Window height in pixels. Default 256.</summary>
    public int WindowHeight { get; init; } = 256;

    /// <summary>Window width in pixels. Default 256.</summary>
    public int WindowWidth { get; init; } = 256;

    /// <summary>Vertical step between windows, 1..<see cref="WindowHeight"/> (larger would leave rows uncovered). Default 128.</summary>
    public int StrideHeight { get; init; } = 128;

    /// <summary>Horizontal step between windows, 1..<see cref="WindowWidth"/>. Default 128.</summary>
    public int StrideWidth { get; init; } = 128;

    /// <summary>Windows per forward pass: the bound on the model's activation memory. Default 4.</summary>
    public int TilesPerBatch { get; init; } = 4;

    /// <summary>Weights of overlapping windows. Default <see cref="TileBlending.Gaussian"/>.</summary>
    public TileBlending Blending { get; init; } = TileBlending.Gaussian;

    /// <summary>σ of the Gaussian weights as a fraction of the window size, per axis. Default 1/8 (nnU-Net's choice).</summary>
    public double GaussianSigmaScale { get; init; } = 0.125;

    /// <summary>How an image smaller than a window is extended to the window. Default <see cref="TilePadding.Zeros"/>.</summary>
    public TilePadding Padding { get; init; } = TilePadding.Zeros;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size, stride or count is not positive, the sigma scale is not positive and finite, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException">A stride exceeds its window size (pixels between windows would be left out).</exception>
    public TiledPredictorOptions Validate()
    {
        RequirePositive(WindowHeight, nameof(WindowHeight));
        RequirePositive(WindowWidth, nameof(WindowWidth));
        RequirePositive(StrideHeight, nameof(StrideHeight));
        RequirePositive(StrideWidth, nameof(StrideWidth));
        RequirePositive(TilesPerBatch, nameof(TilesPerBatch));
        if (StrideHeight > WindowHeight || StrideWidth > WindowWidth)
        {
            throw new ArgumentException(
                $"The stride ({StrideHeight}, {StrideWidth}) must not exceed the window ({WindowHeight}, {WindowWidth}) in either axis, or pixels between windows would get no prediction.",
                StrideHeight > WindowHeight ? nameof(StrideHeight) : nameof(StrideWidth));
        }

        if (!(GaussianSigmaScale > 0) || double.IsInfinity(GaussianSigmaScale))
        {
            throw new ArgumentOutOfRangeException(nameof(GaussianSigmaScale), GaussianSigmaScale, $"GaussianSigmaScale must be finite and positive, but was {GaussianSigmaScale}.");
        }

        if (!Enum.IsDefined(Blending))
        {
            throw new ArgumentOutOfRangeException(nameof(Blending), Blending, $"Unknown blending {(int)Blending}.");
        }

        if (!Enum.IsDefined(Padding))
        {
            throw new ArgumentOutOfRangeException(nameof(Padding), Padding, $"Unknown padding {(int)Padding}.");
        }

        return this;
    }

    private static void RequirePositive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, but was {value}.");
        }
    }
}
