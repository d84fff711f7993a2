using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>
/// An in-memory dataset backed by two tensors (named so that it does not clash with TorchSharp's
/// <c>TensorDataset</c>). Owns them: dispose it.
/// </summary>
public sealed class InMemoryDataset : ISampleDataset, IDisposable
{
    private readonly Tensor images;
    private readonly Tensor masks;

    /// <summary>Wraps images and masks (copied and detached from any dispose scope).</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c>, floating point.</param>
    /// <param name="masks">Masks <c>[N, H, W]</c>, integer class indices.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <exception cref="ArgumentException">The shapes do not match.</exception>
    public InMemoryDataset(Tensor images, Tensor masks, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(masks);
        Shapes.RequirePositive(numClasses, nameof(numClasses));
        if (images.dim() != 4 || !images.is_floating_point())
        {
            throw new ArgumentException($"Images must be a floating-point [N, C, H, W] tensor, but got {images.dtype} {Shapes.Format(images)}.", nameof(images));
        }

        if (masks.dim() != 3 || masks.shape[0] != images.shape[0] || masks.shape[1] != images.shape[2] || masks.shape[2] != images.shape[3])
        {
            throw new ArgumentException(
                $"Masks must be [{images.shape[0]}, {images.shape[2]}, {images.shape[3]}] to match images {Shapes.Format(images)}, but got {Shapes.Format(masks)}.",
                nameof(masks));
        }

        this.images = images.detach().to(float32).contiguous().clone().DetachFromDisposeScope();
        this.masks = masks.detach().to(int64).contiguous().clone().DetachFromDisposeScope();
        NumClasses = numClasses;
    }

    /// <inheritdoc />
    public int Count => (int)images.shape[0];

    /// <inheritdoc />
    public int Channels => (int)images.shape[1];

    /// <inheritdoc />
    public int NumClasses { get; }

    /// <summary>
    /// Mask value of unlabelled pixels, or <see langword="null"/> (the default) when no pixel is
    /// ignored; augmentation pads masks with it (see <c>AugmentedDataset</c>).
    /// </summary>
    public long? IgnoreIndex { get; init; }

    /// <summary>All images <c>[N, C, H, W]</c> (owned by the dataset).</summary>
    public Tensor Images => images;

    /// <summary>All masks <c>[N, H, W]</c> (owned by the dataset).</summary>
    public Tensor Masks => masks;

    /// <inheritdoc />
    public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices)
    {
        foreach (long i in indices)
        {
            if (i < 0 || i >= Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), i, $"Sample index {i} is outside [0, {Count}).");
            }
        }

        using Tensor index = tensor(indices.ToArray(), dtype: int64);
        return (images.index_select(0, index), masks.index_select(0, index));
    }

    /// <inheritdoc />
    public (Tensor Image, Tensor Mask) GetSample(int index)
    {
        if (index < 0 || index >= Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample index {index} is outside [0, {Count}).");
        }

        // Copies, so that a caller's in-place change cannot reach the dataset.
        using Tensor image = images[index];
        using Tensor mask = masks[index];
        return (image.clone(), mask.clone());
    }

    /// <inheritdoc />
    public void Dispose()
    {
        images.Dispose();
        masks.Dispose();
    }
}
