using static TorchSharp.torch;

namespace SegHeads.Data;

/// <summary>A finite, indexable set of images and per-pixel class masks.</summary>
public interface ISegmentationDataset
{
    /// <summary>Number of samples.</summary>
    int Count { get; }

    /// <summary>Image channels C.</summary>
    int Channels { get; }

    /// <summary>Classes K (masks hold 0..K−1 or the ignore index).</summary>
    int NumClasses { get; }

    /// <summary>Gathers samples into a batch.</summary>
    /// <param name="indices">Sample indices, each in <c>[0, Count)</c>.</param>
    /// <returns>Images <c>[B, C, H, W]</c> (float32) and masks <c>[B, H, W]</c> (int64), owned by the caller.</returns>
    (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices);
}
