using SegHeads.Dynamics;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>What one seeded run recorded.</summary>
internal sealed record RunResult(
    RunConfig Config,
    int Seed,
    double[] Losses,
    long[] EvalSteps,
    double[] EvalMeanIoU,
    IReadOnlyList<double> FinalIoU,
    IReadOnlyList<EndToEndSnapshot> Maps)
{
    /// <summary>Mean training loss over the last 10% of steps.</summary>
    public double FinalLoss => Losses.Skip(Losses.Length * 9 / 10).Average();

    /// <summary>Mean training loss over the run (area under the curve per step): lower is faster learning.</summary>
    public double LossArea => Losses.Average();

    public double FinalMeanIoU => EvalMeanIoU.Length == 0 ? double.NaN : EvalMeanIoU[^1];

    /// <summary>Classes whose final IoU is 0 or undefined although they exist in the data.</summary>
    public int DeadClasses => FinalIoU.Count(v => double.IsNaN(v) || v < 0.01);
}
