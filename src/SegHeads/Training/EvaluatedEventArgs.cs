using SegHeads.Metrics;

namespace SegHeads.Training;

/// <summary>Data of <see cref="Trainer.Evaluated"/>.</summary>
/// <param name="step">Steps done.</param>
/// <param name="metrics">The evaluation's metrics.</param>
public sealed class EvaluatedEventArgs(long step, SegmentationMetrics metrics) : EventArgs
{
    /// <summary>Steps done.</summary>
    public long Step { get; } = step;

    /// <summary>The evaluation's metrics.</summary>
    public SegmentationMetrics Metrics { get; } = metrics;
}
