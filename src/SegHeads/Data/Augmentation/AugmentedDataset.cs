using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Data.Augmentation;

/// <summary>
/// Paired image/mask augmentation over a dataset of samples of any size: every sample comes out at
/// <see cref="AugmentationOptions.Height"/> × <see cref="AugmentationOptions.Width"/>.
/// <see cref="GetBatch(ReadOnlySpan{long}, long)"/> is the random training path (the trainer calls
/// it with the step's epoch); <see cref="GetBatch(ReadOnlySpan{long})"/> is the deterministic
/// evaluation path (no random operation: resize or centre crop/pad, then normalisation).
/// Every random choice derives from (<see cref="AugmentationOptions.Seed"/>, epoch, sample index)
/// alone, so the same triple gives bit-identical tensors on any thread and in any order.
/// Safe to call from several threads when the source dataset is.
/// </summary>
public sealed class AugmentedDataset : IEpochDataset
{
    private readonly float[]? mean;
    private readonly float[]? std;

    /// <summary>Wraps a dataset (not owned).</summary>
    /// <param name="source">The samples, each image <c>[C, H, W]</c> in [0, 1] with its mask <c>[H, W]</c>.</param>
    /// <param name="options">The augmentation; validated here.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    /// <exception cref="ArgumentException">No ignore index is set, it is a class index, it differs between the dataset and the options, or the options do not fit the dataset's channels.</exception>
    public AugmentedDataset(ISampleDataset source, AugmentationOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        Source = source;
        IgnoreIndex = ResolveIgnoreIndex(source, options);
        if (options.Mean is { } m && m.Count != source.Channels)
        {
            throw new ArgumentException(
                $"AugmentationOptions.Mean and Std must have one value per image channel ({source.Channels}), but have {m.Count}.", nameof(options));
        }

        if ((options.Saturation > 0 || options.Hue > 0) && source.Channels != 3)
        {
            throw new ArgumentException(
                $"Saturation and hue jitter need 3-channel (RGB) images, but the dataset has {source.Channels} channels; set Saturation = 0 and Hue = 0.", nameof(options));
        }

        if (options.Mean is { } meanValues && options.Std is { } stdValues)
        {
            mean = meanValues.Select(v => (float)v).ToArray();
            std = stdValues.Select(v => (float)v).ToArray();
        }
    }

    /// <summary>The wrapped dataset.</summary>
    public ISampleDataset Source { get; }

    /// <summary>The augmentation.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>The mask value of padded and unlabelled pixels (from the options, else from the dataset).</summary>
    public long IgnoreIndex { get; }

    /// <inheritdoc />
    public int Count => Source.Count;

    /// <inheritdoc />
    public int Channels => Source.Channels;

    /// <inheritdoc />
    public int NumClasses => Source.NumClasses;

    /// <summary>One randomly augmented sample as seen in epoch <paramref name="epoch"/>.</summary>
    /// <param name="index">Sample index in <c>[0, Count)</c>.</param>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <returns>Image <c>[C, h, w]</c> (float32) and mask <c>[h, w]</c> (int64), owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="ArgumentException">The source returned an image and mask of mismatched shapes or channels (the message names the sample).</exception>
    public (Tensor Image, Tensor Mask) GetSample(int index, long epoch)
    {
        RequireIndex(index);
        using var scope = NewDisposeScope();
        var (image, mask) = Augment(index, new SampleRandom(Options.Seed, epoch, index));
        return (scope.MoveToOuter(image), scope.MoveToOuter(mask));
    }

    /// <summary>One sample through the deterministic evaluation path (see <see cref="AugmentationOptions.EvaluationGeometry"/>).</summary>
    /// <param name="index">Sample index in <c>[0, Count)</c>.</param>
    /// <returns>Image <c>[C, h, w]</c> (float32) and mask <c>[h, w]</c> (int64), owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    /// <exception cref="ArgumentException">The source returned an image and mask of mismatched shapes or channels (the message names the sample).</exception>
    public (Tensor Image, Tensor Mask) GetEvaluationSample(int index)
    {
        RequireIndex(index);
        using var scope = NewDisposeScope();
        var (image, mask) = Prepare(index);
        return (scope.MoveToOuter(image), scope.MoveToOuter(mask));
    }

    /// <summary>Gathers randomly augmented samples into a batch as seen in epoch <paramref name="epoch"/>.</summary>
    /// <param name="indices">Sample indices, each in <c>[0, Count)</c>.</param>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <returns>Images <c>[B, C, h, w]</c> (float32) and masks <c>[B, h, w]</c> (int64), owned by the caller.</returns>
    public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices, long epoch)
    {
        long[] all = indices.ToArray();
        return Batch(all, i => Augment(i, new SampleRandom(Options.Seed, epoch, i)));
    }

    /// <summary>Gathers samples through the deterministic evaluation path (for validation data).</summary>
    /// <param name="indices">Sample indices, each in <c>[0, Count)</c>.</param>
    /// <returns>Images <c>[B, C, h, w]</c> (float32) and masks <c>[B, h, w]</c> (int64), owned by the caller.</returns>
    public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices) => Batch(indices.ToArray(), Prepare);

    private (Tensor Images, Tensor Masks) Batch(long[] indices, Func<int, (Tensor Image, Tensor Mask)> sample)
    {
        if (indices.Length == 0)
        {
            throw new ArgumentException("A batch needs at least one sample index, but got none.", nameof(indices));
        }

        foreach (long i in indices)
        {
            if (i < 0 || i >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Sample index {i} is outside [0, {Count}).");
            }
        }

        using var scope = NewDisposeScope();
        var images = new Tensor[indices.Length];
        var masks = new Tensor[indices.Length];
        for (int b = 0; b < indices.Length; b++)
        {
            (images[b], masks[b]) = sample((int)indices[b]);
        }

        return (scope.MoveToOuter(stack(images)), scope.MoveToOuter(stack(masks)));
    }

    private (Tensor Image, Tensor Mask) Augment(int index, SampleRandom random)
    {
        AugmentationOptions o = Options;
        var (image, mask) = Read(index);
        int turns = o.Rotate90 ? (int)random.Integer(RandomSlot.Rotation, 4) : 0;
        (image, mask) = PairedGeometry.Rotate90(image, mask, turns);
        bool horizontal = random.Chance(RandomSlot.HorizontalFlip, o.HorizontalFlip);
        bool vertical = random.Chance(RandomSlot.VerticalFlip, o.VerticalFlip);
        (image, mask) = PairedGeometry.Flip(image, mask, horizontal, vertical);

        long h = image.shape[1];
        long w = image.shape[2];
        double scale = random.Uniform(RandomSlot.Scale, o.MinScale, o.MaxScale);
        if (o.ScaleReference == ScaleReference.CoverOutput)
        {
            scale *= Math.Max((double)o.Height / h, (double)o.Width / w);
        }

        double ratio = Math.Exp(random.Uniform(RandomSlot.AspectRatio, Math.Log(o.MinAspectRatio), Math.Log(o.MaxAspectRatio)));
        long height = Math.Max(1, (long)Math.Round(h * scale / Math.Sqrt(ratio)));
        long width = Math.Max(1, (long)Math.Round(w * scale * Math.Sqrt(ratio)));
        (image, mask) = PairedGeometry.Resize(image, mask, height, width);

        // One offset per axis: where the sample is larger it is the crop start, where smaller the pad before it.
        long offsetY = random.Integer(RandomSlot.OffsetY, Math.Abs(height - o.Height) + 1);
        long offsetX = random.Integer(RandomSlot.OffsetX, Math.Abs(width - o.Width) + 1);
        (image, mask) = PairedGeometry.Crop(image, mask, o.Height, o.Width, offsetY, offsetX);
        image = ColorJitter.Apply(image, o, random);
        image = Normalize(image);
        return PairedGeometry.Pad(image, mask, o.Height, o.Width, offsetY, offsetX, IgnoreIndex);
    }

    private (Tensor Image, Tensor Mask) Prepare(int index)
    {
        AugmentationOptions o = Options;
        var (image, mask) = Read(index);
        if (o.EvaluationGeometry == EvaluationGeometry.Resize)
        {
            (image, mask) = PairedGeometry.Resize(image, mask, o.Height, o.Width);
            return (Normalize(image), mask);
        }

        long offsetY = Math.Abs(image.shape[1] - o.Height) / 2;
        long offsetX = Math.Abs(image.shape[2] - o.Width) / 2;
        (image, mask) = PairedGeometry.Crop(image, mask, o.Height, o.Width, offsetY, offsetX);
        return PairedGeometry.Pad(Normalize(image), mask, o.Height, o.Width, offsetY, offsetX, IgnoreIndex);
    }

    private (Tensor Image, Tensor Mask) Read(int index)
    {
        var (image, mask) = Source.GetSample(index);
        if (image.dim() != 3 || image.shape[0] != Channels || mask.dim() != 2 || mask.shape[0] != image.shape[1] || mask.shape[1] != image.shape[2])
        {
            throw new ArgumentException(
                $"Sample {index} must be an image [{Channels}, H, W] with a mask [H, W], but the dataset returned image {Shapes.Format(image)} and mask {Shapes.Format(mask)}.");
        }

        return (image.to(ScalarType.Float32), mask.to(ScalarType.Int64));
    }

    private Tensor Normalize(Tensor image) =>
        mean is null || std is null ? image : (image - tensor(mean).reshape(-1, 1, 1)) / tensor(std).reshape(-1, 1, 1);

    private void RequireIndex(int index)
    {
        if (index < 0 || index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample index {index} is outside [0, {Count}).");
        }
    }

    private static long ResolveIgnoreIndex(ISampleDataset source, AugmentationOptions options)
    {
        if (options.IgnoreIndex is long fromOptions && source.IgnoreIndex is long fromSource && fromOptions != fromSource)
        {
            throw new ArgumentException(
                $"AugmentationOptions.IgnoreIndex is {fromOptions} but the dataset's IgnoreIndex is {fromSource}; they must agree (or leave the option null to use the dataset's).", nameof(options));
        }

        long ignore = options.IgnoreIndex ?? source.IgnoreIndex
            ?? throw new ArgumentException(
                "Augmentation pads masks with an ignore index, but neither AugmentationOptions.IgnoreIndex nor the dataset's IgnoreIndex is set; "
                + "set AugmentationOptions.IgnoreIndex to the loss's ignore index (PixelCrossEntropy's default is -100).", nameof(options));
        if (ignore >= 0 && ignore < source.NumClasses)
        {
            throw new ArgumentException(
                $"The ignore index must lie outside the classes [0, {source.NumClasses}), but is {ignore}.", nameof(options));
        }

        return ignore;
    }
}
