using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>
/// A dataset whose batches depend on the epoch (random augmentation): every random choice derives
/// from (seed, epoch, sample index), so a run reproduces and resumes exactly. The trainer calls
/// <see cref="GetBatch(ReadOnlySpan{long}, long)"/> with the epoch of the step it trains.
/// </summary>
public interface IEpochDataset : ISegmentationDataset
{
    /// <summary>Gathers samples into a batch as seen in epoch <paramref name="epoch"/>.</summary>
    /// <param name="indices">Sample indices, each in <c>[0, Count)</c>.</param>
    /// <param name="epoch">Zero-based epoch.</param>
    /// <returns>Images <c>[B, C, H, W]</c> (float32) and masks <c>[B, H, W]</c> (int64), owned by the caller.</returns>
    (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices, long epoch);
}
