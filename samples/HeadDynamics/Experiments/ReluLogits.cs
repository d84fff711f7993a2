using SegHeads.Dynamics;
using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>The pitfall: a ReLU on the logits before softmax, against the same head without it.</summary>
internal sealed class ReluLogits : IExperiment
{
    public string Name => "relu-logits";

    public string Description => "linear heads with and without a ReLU on the logits";

    public void Run(ExperimentContext context)
    {
        // The relu-logits head kind comes from the SegHeads.Dynamics package, not the core.
        DynamicsHeads.Register();
        RunConfig[] configs =
        [
            new("1x1", "linear"), new("1x1 + ReLU on logits", "relu-logits:1"),
            new("3-3-1@16", "stacked-linear:3-3-1@16"), new("3-3-1@16 + ReLU on logits", "relu-logits:3-3-1@16"),
        ];
        List<RunResult> runs = Runner.RunAll(context, configs, context.Blobs(false), context.Blobs(true), context.HeadSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);
        var figure = new Figure(1, 2) { Title = "ReLU on the logits (negative logits clipped to 0, no gradient)" };
        Plots.Losses(figure[0, 0], runs, "training loss");
        Plots.MeanIoU(figure[0, 1], runs, "validation mIoU");
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "relu-logits.png"));

        var parts = new List<string>();
        foreach (RunConfig config in configs)
        {
            Stats dead = Stats.Of(runs.Where(r => r.Config == config).Select(r => (double)r.DeadClasses));
            context.Summarize(Name, config.Label, "dead_classes", dead);
            parts.Add($"{context.SummarizeRuns(Name, config, runs)}, dead classes {dead}");
        }

        context.Finding(Name, string.Join("; ", parts) + ".");
    }
}
