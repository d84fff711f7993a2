using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// A training loss for per-pixel classification, the seam through which <see cref="Trainer"/>
/// accepts any loss. <see cref="PixelCrossEntropy"/> is the built-in implementation.
/// </summary>
/// <remarks>
/// Implementations must not dispose their inputs, must return a tensor the caller owns, and
/// should reject out-of-range labels with an <see cref="ArgumentException"/> (the trainer checks
/// labels of in-memory datasets up front, but not of every custom dataset).
/// </remarks>
public interface ISegmentationLoss
{
    /// <summary>A short name for messages and logs, e.g. <c>"cross-entropy"</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Mask value of pixels that count nowhere: the loss skips them, and the trainer's metrics
    /// (<see cref="Trainer.Evaluate"/>) leave them out of every count.
    /// </summary>
    long IgnoreIndex { get; }

    /// <summary>Computes the loss of one batch.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c> (K = 1 for binary segmentation), connected to the graph.</param>
    /// <param name="masks">Labels <c>[N, H, W]</c>, int64: <c>0..ClassCount.For(K) − 1</c> or <see cref="IgnoreIndex"/>.</param>
    /// <returns>A scalar (one-element) tensor connected to <paramref name="logits"/>' graph, owned by the caller.</returns>
    Tensor Compute(Tensor logits, Tensor masks);
}
