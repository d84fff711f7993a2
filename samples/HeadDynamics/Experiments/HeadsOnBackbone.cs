using SegHeads.Plotting;
using SegHeads.Training;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>The question as asked: 1x1 vs stacked linear vs activated heads on one backbone and data.</summary>
internal sealed class HeadsOnBackbone : IExperiment
{
    public string Name => "heads-on-backbone";

    public string Description => "linear vs 5x5 vs stacked-linear:3-3-1 vs activated:3-3-1+bn on a small UNet, toy shapes, Adam";

    public void Run(ExperimentContext context)
    {
        RunConfig[] configs =
        [
            new("linear (1x1)", "linear") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
            new("single 5x5 (same receptive field)", "stacked-linear:5") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
            new("stacked-linear 3-3-1@16", "stacked-linear:3-3-1@16") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
            new("activated 3-3-1@16+bn", "activated:3-3-1@16+bn") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
        ];
        List<RunResult> runs = Runner.RunAll(context, configs, context.Shapes(false), context.Shapes(true), context.BackboneSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);
        var figure = new Figure(1, 2) { Title = "heads on a 8-16 UNet (toy shapes 32x32, Adam 3e-3; mean and min-max over seeds)" };
        Plots.Losses(figure[0, 0], runs, "training loss");
        Plots.MeanIoU(figure[0, 1], runs, "validation mIoU");
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "heads-on-backbone.png"));

        IEnumerable<string> parts = configs.Select(config => context.SummarizeRuns(Name, config, runs)).ToList();

        Stats linear = Stats.Of(runs.Where(r => r.Config == configs[0]).Select(r => r.FinalMeanIoU));
        Stats wide = Stats.Of(runs.Where(r => r.Config == configs[1]).Select(r => r.FinalMeanIoU));
        Stats stacked = Stats.Of(runs.Where(r => r.Config == configs[2]).Select(r => r.FinalMeanIoU));
        context.Finding(Name, string.Join("; ", parts)
            + $". Final mIoU, Welch t: stacked vs 1x1 {Stats.WelchT(stacked, linear):F1}, stacked vs 5x5 {Stats.WelchT(stacked, wide):F1}, 5x5 vs 1x1 {Stats.WelchT(wide, linear):F1}.");
    }
}
