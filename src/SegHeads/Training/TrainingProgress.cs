using SegHeads.Metrics;

namespace SegHeads.Training;

/// <summary>One progress report, sent after every step.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps of the run.</param>
/// <param name="Epoch">Current epoch (0-based).</param>
/// <param name="Loss">This step's loss.</param>
/// <param name="LearningRate">This step's learning rate.</param>
/// <param name="LastEvaluation">The latest evaluation, if any.</param>
/// <param name="Elapsed">Time since the run (or resume) started.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, long Epoch, double Loss, double LearningRate, SegmentationMetrics? LastEvaluation, TimeSpan Elapsed)
{
    /// <summary>Time this step waited for its batch (see <see cref="StepRecord.DataWait"/>).</summary>
    public TimeSpan DataWait { get; init; }
}
