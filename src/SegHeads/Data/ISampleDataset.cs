using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>
/// A dataset whose samples can be read one at a time, each at its own size (files on disk, for
/// example). Augmentation reads samples through this interface and produces batches of one size.
/// </summary>
public interface ISampleDataset : ISegmentationDataset
{
    /// <summary>Ignore index written into masks for pixels without a label (e.g. 255 for Pascal VOC borders), or null when no pixel is ignored.</summary>
    long? IgnoreIndex { get; }

    /// <summary>Reads one sample.</summary>
    /// <param name="index">Sample index in <c>[0, Count)</c>.</param>
    /// <returns>Image <c>[C, H, W]</c> (float32, values in [0, 1]) and mask <c>[H, W]</c> (int64: 0..K−1 or <see cref="IgnoreIndex"/>), owned by the caller.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside <c>[0, Count)</c>.</exception>
    (Tensor Image, Tensor Mask) GetSample(int index);
}
