using SegHeads.Plotting;
using SegHeads.Training;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>The question as asked: 1x1 vs stacked linear vs activated heads on one backbone and data.</summary>
internal sealed class HeadsOnBackbone : IExperiment
{
    public string Name => "heads-on-backbone";

    public string Description => "linear vs stacked-linear:3-3-1 vs activated:3-3-1+bn on a small UNet, toy shapes, Adam";

    public void Run(ExperimentContext context)
    {
        RunConfig[] configs =
        [
            new("linear (1x1)", "linear") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
            new("stacked-linear 3-3-1@16", "stacked-linear:3-3-1@16") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
            new("activated 3-3-1@16+bn", "activated:3-3-1@16+bn") { WithBackbone = true, Optimizer = OptimizerKind.Adam, LearningRate = 3e-3 },
        ];
        List<RunResult> runs = Runner.RunAll(context, configs, context.Shapes(false), context.Shapes(true), context.BackboneSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);
        var figure = new Figure(1, 2) { Title = "heads on a 8-16 UNet (toy shapes 32x32, Adam 3e-3; mean and min-max over seeds)" };
        Plots.Losses(figure[0, 0], runs, "training loss");
        Plots.MeanIoU(figure[0, 1], runs, "validation mIoU");
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "heads-on-backbone.png"));

        var parts = new List<string>();
        foreach (RunConfig config in configs)
        {
            var mine = runs.Where(r => r.Config == config).ToList();
            Stats miou = Stats.Of(mine.Select(r => r.FinalMeanIoU));
            Stats area = Stats.Of(mine.Select(r => r.LossArea));
            context.Summarize(Name, config.Label, "final_miou", miou);
            context.Summarize(Name, config.Label, "loss_area", area);
            context.Summarize(Name, config.Label, "final_loss", Stats.Of(mine.Select(r => r.FinalLoss)));
            parts.Add($"{config.Label}: mIoU {miou}, mean loss {area}");
        }

        Stats linear = Stats.Of(runs.Where(r => r.Config == configs[0]).Select(r => r.FinalMeanIoU));
        Stats stacked = Stats.Of(runs.Where(r => r.Config == configs[1]).Select(r => r.FinalMeanIoU));
        context.Finding(Name, string.Join("; ", parts) + $". Stacked vs 1x1 final mIoU: Welch t = {Stats.WelchT(stacked, linear):F1}.");
    }
}
