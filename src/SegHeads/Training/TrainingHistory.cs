using SegHeads.Metrics;

namespace SegHeads.Training;

/// <summary>One step of a run.</summary>
/// <param name="Step">Step number (1-based).</param>
/// <param name="Epoch">Epoch (0-based).</param>
/// <param name="Loss">Training loss of the step's batch.</param>
/// <param name="LearningRate">Learning rate used.</param>
public sealed record StepRecord(long Step, long Epoch, double Loss, double LearningRate)
{
    /// <summary>Time the step waited for its batch (reading and augmenting it, or waiting for the background loader).</summary>
    public TimeSpan DataWait { get; init; }

    /// <summary>Wall-clock time of the step: the data wait plus forward, backward and update (evaluation and checkpoints excluded).</summary>
    public TimeSpan Duration { get; init; }
}

/// <summary>One evaluation of a run.</summary>
/// <param name="Step">Steps done when evaluated.</param>
/// <param name="Metrics">The metrics on the evaluation set.</param>
public sealed record EvaluationRecord(long Step, SegmentationMetrics Metrics);

/// <summary>What a run recorded: loss per step and metrics per evaluation.</summary>
public sealed class TrainingHistory
{
    private readonly List<StepRecord> steps = [];
    private readonly List<EvaluationRecord> evaluations = [];

    /// <summary>Per-step records in order.</summary>
    public IReadOnlyList<StepRecord> Steps => steps;

    /// <summary>Per-evaluation records in order.</summary>
    public IReadOnlyList<EvaluationRecord> Evaluations => evaluations;

    /// <summary>Whether the run stopped early because it was cancelled.</summary>
    public bool Cancelled { get; internal set; }

    /// <summary>Wall-clock time of the run (this process's part, for a resumed run).</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>
    /// The share of the steps' time spent waiting for data: the sum of <see cref="StepRecord.DataWait"/>
    /// over the sum of <see cref="StepRecord.Duration"/>, in [0, 1]; 0 when no step ran.
    /// </summary>
    public double DataWaitFraction
    {
        get
        {
            long total = steps.Sum(s => s.Duration.Ticks);
            return total == 0 ? 0 : Math.Min(1, steps.Sum(s => s.DataWait.Ticks) / (double)total);
        }
    }

    /// <summary>The last evaluation, if any.</summary>
    public SegmentationMetrics? FinalMetrics => evaluations.Count == 0 ? null : evaluations[^1].Metrics;

    internal void Add(StepRecord record) => steps.Add(record);

    internal void Add(EvaluationRecord record) => evaluations.Add(record);
}
