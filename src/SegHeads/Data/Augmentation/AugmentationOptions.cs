namespace SegHeads.Data.Augmentation;

/// <summary>
/// Paired image/mask augmentation for <see cref="AugmentedDataset"/>. The training path applies, in
/// this order: a random 90° rotation, random flips, a random resize (<see cref="MinScale"/>..<see cref="MaxScale"/>,
/// aspect ratio <see cref="MinAspectRatio"/>..<see cref="MaxAspectRatio"/>), a random crop to
/// <see cref="Height"/> × <see cref="Width"/>, colour jitter (image only), mean/std normalisation,
/// and padding to the output size (0 in the image after normalisation, the ignore index in the
/// mask) at a random offset. Geometry is identical for image and mask: bilinear for the image,
/// nearest for the mask, so mask values stay class indices or the ignore index. Every random choice
/// derives from (<see cref="Seed"/>, epoch, sample index) only. Defaults: no augmentation at all
/// except a horizontal flip with probability 0.5. Call <see cref="Validate"/>.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Output height h of every sample. Required (positive).</summary>
    public int Height { get; init; }

    /// <summary>Output width w of every sample. Required (positive).</summary>
    public int Width { get; init; }

    /// <summary>Seed of every random choice (with the epoch and the sample index). Default 0.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Mask value written into padded pixels and kept wherever the source mask has it, or
    /// <see langword="null"/> to use the source dataset's <see cref="ISampleDataset.IgnoreIndex"/>.
    /// One of the two must be set, and it must lie outside the classes <c>[0, K)</c>; it should
    /// equal the loss's ignore index. Default none.
    /// </summary>
    public long? IgnoreIndex { get; init; }

    /// <summary>Smallest random scale factor (see <see cref="ScaleReference"/>). Default 1.</summary>
    public double MinScale { get; init; } = 1;

    /// <summary>Largest random scale factor, drawn uniformly in [<see cref="MinScale"/>, <see cref="MaxScale"/>]. Default 1.</summary>
    public double MaxScale { get; init; } = 1;

    /// <summary>What scale 1 means. Default <see cref="ScaleReference.CoverOutput"/>.</summary>
    public ScaleReference ScaleReference { get; init; } = ScaleReference.CoverOutput;

    /// <summary>Smallest random aspect-ratio change r (width × √r, height ÷ √r). Default 1.</summary>
    public double MinAspectRatio { get; init; } = 1;

    /// <summary>Largest random aspect-ratio change, drawn log-uniformly in [<see cref="MinAspectRatio"/>, <see cref="MaxAspectRatio"/>]. Default 1.</summary>
    public double MaxAspectRatio { get; init; } = 1;

    /// <summary>Probability of a horizontal flip. Default 0.5.</summary>
    public double HorizontalFlip { get; init; } = 0.5;

    /// <summary>Probability of a vertical flip. Default 0.</summary>
    public double VerticalFlip { get; init; }

    /// <summary>Whether to rotate by a random multiple of 90° (0, 90, 180 or 270, equally likely). Default false.</summary>
    public bool Rotate90 { get; init; }

    /// <summary>Brightness jitter b: the image is multiplied by a factor in [max(0, 1 − b), 1 + b]. Default 0 (off).</summary>
    public double Brightness { get; init; }

    /// <summary>Contrast jitter c: the image is blended with its mean grey level by a factor in [max(0, 1 − c), 1 + c]. Default 0 (off).</summary>
    public double Contrast { get; init; }

    /// <summary>Saturation jitter s: the image is blended with its greyscale by a factor in [max(0, 1 − s), 1 + s]; 3-channel images only. Default 0 (off).</summary>
    public double Saturation { get; init; }

    /// <summary>
    /// Hue jitter h in [0, 0.5]: the colours rotate by an angle in [−h, h] turns about the grey axis
    /// (a rotation in YIQ space, close to but not identical with an HSV hue shift); 3-channel
    /// images only. Default 0 (off).
    /// </summary>
    public double Hue { get; init; }

    /// <summary>Per-channel mean subtracted last (after jitter), or <see langword="null"/> for no normalisation; one value per channel. Default none.</summary>
    public IReadOnlyList<double>? Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by last, or <see langword="null"/> for no normalisation; set together with <see cref="Mean"/>, positive. Default none.</summary>
    public IReadOnlyList<double>? Std { get; init; }

    /// <summary>How the deterministic evaluation path (<see cref="AugmentedDataset.GetBatch(ReadOnlySpan{long})"/>) reaches the output size. Default <see cref="EvaluationGeometry.Resize"/>.</summary>
    public EvaluationGeometry EvaluationGeometry { get; init; } = EvaluationGeometry.Resize;

    /// <summary>The ImageNet channel means (RGB), for pretrained encoders.</summary>
    public static IReadOnlyList<double> ImageNetMean { get; } = [0.485, 0.456, 0.406];

    /// <summary>The ImageNet channel standard deviations (RGB), for pretrained encoders.</summary>
    public static IReadOnlyList<double> ImageNetStd { get; } = [0.229, 0.224, 0.225];

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>These options.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range (the message names the expected range and the actual value).</exception>
    /// <exception cref="ArgumentException"><see cref="Mean"/> and <see cref="Std"/> are not set together or differ in length.</exception>
    public AugmentationOptions Validate()
    {
        Require(Height > 0, nameof(Height), Height, "positive (the output height)");
        Require(Width > 0, nameof(Width), Width, "positive (the output width)");
        Require(double.IsFinite(MinScale) && MinScale > 0, nameof(MinScale), MinScale, "finite and positive");
        Require(double.IsFinite(MaxScale) && MaxScale >= MinScale, nameof(MaxScale), MaxScale, $"finite and at least MinScale ({MinScale})");
        Require(Enum.IsDefined(ScaleReference), nameof(ScaleReference), ScaleReference, "a defined ScaleReference");
        Require(double.IsFinite(MinAspectRatio) && MinAspectRatio > 0, nameof(MinAspectRatio), MinAspectRatio, "finite and positive");
        Require(double.IsFinite(MaxAspectRatio) && MaxAspectRatio >= MinAspectRatio, nameof(MaxAspectRatio), MaxAspectRatio, $"finite and at least MinAspectRatio ({MinAspectRatio})");
        Require(HorizontalFlip is >= 0 and <= 1, nameof(HorizontalFlip), HorizontalFlip, "a probability in [0, 1]");
        Require(VerticalFlip is >= 0 and <= 1, nameof(VerticalFlip), VerticalFlip, "a probability in [0, 1]");
        Require(Brightness >= 0 && double.IsFinite(Brightness), nameof(Brightness), Brightness, "finite and non-negative");
        Require(Contrast >= 0 && double.IsFinite(Contrast), nameof(Contrast), Contrast, "finite and non-negative");
        Require(Saturation >= 0 && double.IsFinite(Saturation), nameof(Saturation), Saturation, "finite and non-negative");
        Require(Hue is >= 0 and <= 0.5, nameof(Hue), Hue, "in [0, 0.5] (turns)");
        Require(Enum.IsDefined(EvaluationGeometry), nameof(EvaluationGeometry), EvaluationGeometry, "a defined EvaluationGeometry");
        if ((Mean is null) != (Std is null))
        {
            throw new ArgumentException(
                $"Mean and Std must be set together, but Mean is {Describe(Mean)} and Std is {Describe(Std)}.", Mean is null ? nameof(Mean) : nameof(Std));
        }

        if (Mean is not null && Std is not null)
        {
            if (Mean.Count != Std.Count || Mean.Count == 0)
            {
                throw new ArgumentException($"Mean and Std must have one value per channel each, but Mean has {Mean.Count} and Std has {Std.Count}.", nameof(Std));
            }

            for (int c = 0; c < Std.Count; c++)
            {
                Require(double.IsFinite(Mean[c]), nameof(Mean), Mean[c], $"finite (channel {c})");
                Require(double.IsFinite(Std[c]) && Std[c] > 0, nameof(Std), Std[c], $"finite and positive (channel {c})");
            }
        }

        return this;
    }

    private static string Describe(IReadOnlyList<double>? values) => values is null ? "null" : $"[{string.Join(", ", values)}]";

    private static void Require(bool ok, string name, object? value, string what)
    {
        if (!ok)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {what}, but was {value}.");
        }
    }
}
