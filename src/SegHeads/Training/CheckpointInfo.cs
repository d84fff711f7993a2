namespace SegHeads.Training;

/// <summary>What a checkpoint says about itself (stored as JSON in its header).</summary>
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

    /// <summary>The optimizer whose state is stored.</summary>
    public OptimizerKind Optimizer { get; init; }

    /// <summary>The model's head spec, for humans.</summary>
    public string HeadSpec { get; init; } = string.Empty;

    /// <summary>State-dict entries as <c>key:shape:dtype</c>, to tell a mismatched model precisely.</summary>
    public IReadOnlyList<string> ModelEntries { get; init; } = [];

    /// <summary>When it was written (UTC).</summary>
    public DateTime SavedUtc { get; init; }
}
