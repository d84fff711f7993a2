namespace SegHeads.Training;

/// <summary>What a checkpoint says about itself (stored as JSON in its header).</summary>
/// <remarks>
/// The data order of a run is decided by <see cref="Seed"/>, <see cref="BatchSize"/> and
/// <see cref="DatasetSize"/>, so resuming checks all three. Checkpoints written by SegHeads versions
/// before these sizes were recorded have them <see langword="null"/>: they still load, and only the
/// seed can be checked for them.
/// </remarks>
public sealed record CheckpointInfo
{
    /// <summary>Format version this library writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>Format version of the file.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>Steps done when saved.</summary>
    public long Step { get; init; }

    /// <summary>Seed of the data order.</summary>
    public int Seed { get; init; }

    /// <summary>The optimizer whose state is stored (<see cref="OptimizerKind.Custom"/> for one made by <see cref="TrainerOptions.OptimizerFactory"/>).</summary>
    public OptimizerKind Optimizer { get; init; }

    /// <summary>The optimizer's TorchSharp type name, e.g. <c>"SGD"</c>, or <see langword="null"/> if not recorded.</summary>
    public string? OptimizerType { get; init; }

    /// <summary>Samples per batch of the run, or <see langword="null"/> if not recorded.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Size of the training set of the run, or <see langword="null"/> if not recorded (saved before any <see cref="Trainer.Fit"/>).</summary>
    public int? DatasetSize { get; init; }

    /// <summary>The model's head spec, for humans.</summary>
    public string HeadSpec { get; init; } = string.Empty;

    /// <summary>State-dict entries as <c>key:shape:dtype</c>, to tell a mismatched model precisely.</summary>
    public IReadOnlyList<string> ModelEntries { get; init; } = [];

    /// <summary>When it was written (UTC).</summary>
    public DateTime SavedUtc { get; init; }
}
