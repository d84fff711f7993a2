using SegHeads.Training;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>One training configuration of an experiment; run once per seed.</summary>
/// <param name="Label">Name in plots and CSV.</param>
/// <param name="HeadSpec">Head spec string.</param>
internal sealed record RunConfig(string Label, string HeadSpec)
{
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    public double LearningRate { get; init; } = 0.05;

    /// <summary>Multiplies every conv weight of the head after its default initialisation.</summary>
    public double InitScale { get; init; } = 1.0;

    /// <summary>Starts this head from the collapse of another spec's head built with the same seed.</summary>
    public string? MatchedTo { get; init; }

    /// <summary>Train the head on a small UNet backbone instead of directly on the pixels.</summary>
    public bool WithBackbone { get; init; }

    /// <summary>Record the end-to-end map at every evaluation (linear heads only).</summary>
    public bool RecordMaps { get; init; }
}
