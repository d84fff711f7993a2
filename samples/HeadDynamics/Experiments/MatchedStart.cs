using SegHeads.Dynamics;
using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// A 3-3-1 stack and a single 5x5 conv that start as the same function (the conv is the stack's
/// collapse): same data order, same optimizer; compare losses and end-to-end maps as they move.
/// </summary>
internal sealed class MatchedStart : IExperiment
{
    private const string DeepSpec = "stacked-linear:3-3-1@16+pad-once";

    public string Name => "matched-start";

    public string Description => "3-3-1 stack vs a 5x5 conv initialised to its collapse: same start, different trajectory";

    public void Run(ExperimentContext context)
    {
        var deep = new RunConfig("3x3-3x3-1x1 pad-once", DeepSpec) { RecordMaps = true };
        var single = new RunConfig("5x5 from its collapse", "stacked-linear:5") { RecordMaps = true, MatchedTo = DeepSpec };
        List<RunResult> runs = Runner.RunAll(context, [deep, single], context.Blobs(false), context.Blobs(true), context.HeadSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);

        var pairs = context.Seeds.Select(seed => (Deep: runs.Single(r => r.Config == deep && r.Seed == seed), Single: runs.Single(r => r.Config == single && r.Seed == seed))).ToList();
        double[] steps = pairs[0].Deep.Maps.Select(m => (double)m.Step).ToArray();
        var gaps = pairs.Select(p => (IReadOnlyList<double>)p.Deep.Maps.Zip(p.Single.Maps, EndToEndMap.RelativeDistance).ToArray()).ToArray();
        var deepTravel = pairs.Select(p => (IReadOnlyList<double>)p.Deep.Maps.Select(m => EndToEndMap.RelativeDistance(m, p.Deep.Maps[0])).ToArray()).ToArray();
        var singleTravel = pairs.Select(p => (IReadOnlyList<double>)p.Single.Maps.Select(m => EndToEndMap.RelativeDistance(m, p.Single.Maps[0])).ToArray()).ToArray();

        var csv = new System.Text.StringBuilder("seed,step,map_gap,deep_travel,single_travel\n");
        for (int s = 0; s < pairs.Count; s++)
        {
            for (int i = 0; i < steps.Length; i++)
            {
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{pairs[s].Deep.Seed},{steps[i]},{gaps[s][i]:R},{deepTravel[s][i]:R},{singleTravel[s][i]:R}\n");
            }
        }

        Csv.Write(context.PathFor(Name, "maps.csv"), csv.ToString());

        var figure = new Figure(1, 2) { Title = "matched start: same function at step 0, different parameterisation" };
        Plots.Losses(figure[0, 0], runs, "training loss");
        LineChart maps = figure[0, 1];
        maps.Title = "end-to-end maps: gap and distance travelled";
        maps.XLabel = "step";
        maps.YLabel = "relative Frobenius distance";
        maps.LogY = true;
        maps.AddRuns("gap stack vs 5x5 (/ |5x5 map|)", steps, gaps);
        maps.AddRuns("stack: travelled (/ |start|)", steps, deepTravel);
        maps.AddRuns("5x5: travelled (/ |start|)", steps, singleTravel);
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "matched-start.png"));

        Stats startGap = Stats.Of(gaps.Select(g => g[0]));
        Stats endGap = Stats.Of(gaps.Select(g => g[^1]));
        Stats firstLoss = Stats.Of(pairs.Select(p => Math.Abs(p.Deep.Losses[0] - p.Single.Losses[0])));
        Stats deepFinal = Stats.Of(pairs.Select(p => p.Deep.FinalLoss));
        Stats singleFinal = Stats.Of(pairs.Select(p => p.Single.FinalLoss));
        Stats deepArea = Stats.Of(pairs.Select(p => p.Deep.LossArea));
        Stats singleArea = Stats.Of(pairs.Select(p => p.Single.LossArea));
        context.Summarize(Name, "map gap at start", "relative_distance", startGap);
        context.Summarize(Name, "map gap at end", "relative_distance", endGap);
        context.Summarize(Name, deep.Label, "final_loss", deepFinal);
        context.Summarize(Name, single.Label, "final_loss", singleFinal);
        context.Summarize(Name, deep.Label, "loss_area", deepArea);
        context.Summarize(Name, single.Label, "loss_area", singleArea);
        context.Finding(Name,
            $"step-0 map gap {startGap.Mean:E1} and first-batch loss gap {firstLoss.Mean:E1} (same function); after {steps[^1]:F0} steps the two maps differ by {endGap} of the 5x5 map's norm, "
            + $"while each moved (relative to its start map) {Stats.Of(deepTravel.Select(d => d[^1]))} (stack) and {Stats.Of(singleTravel.Select(d => d[^1]))} (5x5). "
            + $"Mean loss over the run: stack {deepArea}, 5x5 {singleArea} (Welch t = {Stats.WelchT(deepArea, singleArea):F1}); final loss stack {deepFinal}, 5x5 {singleFinal}.");
    }
}
