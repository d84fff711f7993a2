using SegHeads.Plotting;
using SegHeads.Training;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>One axis of the linear-head sweeps: depth, width, initialisation scale, or optimizer.</summary>
internal sealed class Sweep(string name, string description, RunConfig[] configs) : IExperiment
{
    private static readonly int[] Widths = [2, 4, 16, 64];
    private static readonly double[] Scales = [0.25, 0.5, 1.0, 2.0];

    public string Name => name;

    public string Description => description;

    public static IEnumerable<IExperiment> All() =>
    [
        new Sweep("depth-sweep", "1x1 stacks of depth 1-4 (width 16): depth alone",
        [
            new("depth 1", "linear"), new("depth 2", "stacked-linear:1-1@16"),
            new("depth 3", "stacked-linear:1-1-1@16"), new("depth 4", "stacked-linear:1-1-1-1@16"),
        ]),
        new Sweep("width-sweep", "1-1-1 stacks of hidden width 2, 4, 16, 64",
            [.. Widths.Select(w => new RunConfig($"width {w}", $"stacked-linear:1-1-1@{w}"))]),
        new Sweep("init-scale", "1-1-1@16 with default weights scaled by 0.25, 0.5, 1, 2",
            [.. Scales.Select(g => new RunConfig($"init x{g}", "stacked-linear:1-1-1@16") { InitScale = g })]),
        new Sweep("optimizer", "1x1 and 1-1-1@16 under SGD (momentum 0.9, lr 0.05) and Adam (lr 0.01)",
        [
            new("1x1 SGD", "linear"), new("1-1-1 SGD", "stacked-linear:1-1-1@16"),
            new("1x1 Adam", "linear") { Optimizer = OptimizerKind.Adam, LearningRate = 0.01 },
            new("1-1-1 Adam", "stacked-linear:1-1-1@16") { Optimizer = OptimizerKind.Adam, LearningRate = 0.01 },
        ]),
    ];

    public void Run(ExperimentContext context)
    {
        List<RunResult> runs = Runner.RunAll(context, configs, context.Blobs(false), context.Blobs(true), context.HeadSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);
        var figure = new Figure(1, 2) { Title = $"{Name}: {Description}" };
        Plots.Losses(figure[0, 0], runs, "training loss");
        Plots.MeanIoU(figure[0, 1], runs, "validation mIoU");
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, $"{Name}.png"));

        IEnumerable<string> parts = configs.Select(config => context.SummarizeRuns(Name, config, runs)).ToList();
        context.Finding(Name, string.Join("; ", parts) + ".");
    }
}
