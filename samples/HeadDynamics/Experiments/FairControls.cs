using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// Separates depth from receptive field: a 5x5 conv against 3x3 → 3x3 → 1x1 (pad-once: exactly the
/// same function class), and a 1x1 conv against 1x1 → 1x1 → 1x1 (depth alone).
/// </summary>
internal sealed class FairControls : IExperiment
{
    public string Name => "fair-controls";

    public string Description => "5x5 vs 3-3-1 (pad-once) and 1x1 vs 1-1-1: depth at a matched function class";

    public void Run(ExperimentContext context)
    {
        (string Pair, RunConfig Shallow, RunConfig Deep)[] pairs =
        [
            ("5x5 vs 3-3-1", new RunConfig("single 5x5", "stacked-linear:5"), new RunConfig("3x3-3x3-1x1 pad-once", "stacked-linear:3-3-1@16+pad-once")),
            ("1x1 vs 1-1-1", new RunConfig("single 1x1", "linear"), new RunConfig("1x1-1x1-1x1", "stacked-linear:1-1-1@16")),
        ];
        var figure = new Figure(1, pairs.Length) { Title = "fair controls: same function class, different depth (SGD, mean and min-max over seeds)" };
        var all = new List<RunResult>();
        for (int i = 0; i < pairs.Length; i++)
        {
            var (pair, shallow, deep) = pairs[i];
            List<RunResult> runs = Runner.RunAll(context, [shallow, deep], context.Blobs(false), context.Blobs(true), context.HeadSteps);
            all.AddRange(runs);
            Plots.Losses(figure[0, i], runs, pair);
            Compare(context, pair, runs.Where(r => r.Config == shallow).ToList(), runs.Where(r => r.Config == deep).ToList());
        }

        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), all);
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "fair-controls.png"));
    }

    internal static void Compare(ExperimentContext context, string pair, List<RunResult> shallow, List<RunResult> deep)
    {
        string name = "fair-controls";
        foreach (var (metric, pick) in new (string, Func<RunResult, double>)[] { ("final_loss", r => r.FinalLoss), ("loss_area", r => r.LossArea), ("final_miou", r => r.FinalMeanIoU) })
        {
            context.Summarize(name, shallow[0].Config.Label, metric, Stats.Of(shallow.Select(pick)));
            context.Summarize(name, deep[0].Config.Label, metric, Stats.Of(deep.Select(pick)));
        }

        Stats shallowArea = Stats.Of(shallow.Select(r => r.LossArea));
        Stats deepArea = Stats.Of(deep.Select(r => r.LossArea));
        Stats shallowFinal = Stats.Of(shallow.Select(r => r.FinalLoss));
        Stats deepFinal = Stats.Of(deep.Select(r => r.FinalLoss));
        double t = Stats.WelchT(deepArea, shallowArea);
        string verdict = Math.Abs(t) >= 3
            ? $"depth alone changed training: the deep head's mean loss over the run is {(t < 0 ? "lower" : "higher")} ({deepArea} vs {shallowArea}, Welch t = {t:F1})"
            : $"no detectable change from depth alone in the loss over the run ({deepArea} vs {shallowArea}, Welch t = {t:F1})";
        context.Finding(name, $"{pair} ({shallow.Count} seeds): {verdict}; final loss {deepFinal} (deep) vs {shallowFinal} (shallow).");
    }
}
