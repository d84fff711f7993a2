namespace SegHeads.Metrics;

/// <summary>
/// Metrics of a confusion matrix, as mmsegmentation defines them: per-class values are NaN for a
/// class absent from both target and prediction, and means skip NaN.
/// </summary>
/// <param name="PixelAccuracy">Correct pixels / counted pixels.</param>
/// <param name="MeanAccuracy">Mean over classes present in the target of per-class recall.</param>
/// <param name="IoU">Per-class intersection over union <c>TP / (TP + FP + FN)</c>.</param>
/// <param name="MeanIoU">Mean of <paramref name="IoU"/> over non-NaN classes.</param>
/// <param name="Dice">Per-class Dice <c>2TP / (2TP + FP + FN)</c>.</param>
/// <param name="MeanDice">Mean of <paramref name="Dice"/> over non-NaN classes.</param>
/// <param name="PixelCount">Pixels counted (ignored pixels excluded).</param>
public sealed record SegmentationMetrics(
    double PixelAccuracy,
    double MeanAccuracy,
    IReadOnlyList<double> IoU,
    double MeanIoU,
    IReadOnlyList<double> Dice,
    double MeanDice,
    long PixelCount);
