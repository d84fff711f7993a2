using static TorchSharp.torch;

namespace SegHeads.Data.Loading;

/// <summary>The batch of one training step, owned by whoever holds it: dispose it after the step.</summary>
internal sealed class LoadedBatch : IDisposable
{
    public LoadedBatch(long step, long epoch, long[] indices, Tensor images, Tensor masks)
    {
        Step = step;
        Epoch = epoch;
        Indices = indices;
        Images = images;
        Masks = masks;
    }

    /// <summary>Global step (0-based) the batch belongs to.</summary>
    public long Step { get; }

    /// <summary>Epoch of the step.</summary>
    public long Epoch { get; }

    /// <summary>Sample indices, in batch order.</summary>
    public long[] Indices { get; }

    /// <summary>Images <c>[B, C, H, W]</c>.</summary>
    public Tensor Images { get; }

    /// <summary>Masks <c>[B, H, W]</c>.</summary>
    public Tensor Masks { get; }

    /// <summary>Reads step <paramref name="step"/>'s batch: epoch-dependent when the dataset is an <see cref="IEpochDataset"/>.</summary>
    public static LoadedBatch Load(ISegmentationDataset data, BatchSampler sampler, long step)
    {
        long epoch = step / sampler.BatchesPerEpoch;
        long[] indices = sampler.BatchAt(step);
        var (images, masks) = data is IEpochDataset epochData ? epochData.GetBatch(indices, epoch) : data.GetBatch(indices);
        return new LoadedBatch(step, epoch, indices, images, masks);
    }

    public void Dispose()
    {
        Images.Dispose();
        Masks.Dispose();
    }
}
