using SegHeads.Plotting;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// Singular values of the end-to-end map of 1-, 2- and 3-deep 1x1 heads over training (deeper linear
/// factorisations are known to favour low-rank solutions: Arora et al. 2019).
/// </summary>
internal sealed class LowRank : IExperiment
{
    public string Name => "low-rank";

    public string Description => "singular values of the end-to-end map of 1-, 2-, 3-deep linear heads (8 channels, 6 classes)";

    public void Run(ExperimentContext context)
    {
        RunConfig[] configs =
        [
            new("depth 1", "linear") { RecordMaps = true },
            new("depth 2", "stacked-linear:1-1@16") { RecordMaps = true },
            new("depth 3", "stacked-linear:1-1-1@16") { RecordMaps = true },
        ];
        var train = context.Blobs(false, channels: 8, classes: 6);
        var validation = context.Blobs(true, channels: 8, classes: 6);
        List<RunResult> runs = Runner.RunAll(context, configs, train, validation, context.HeadSteps);
        Csv.WriteRuns(context.PathFor(Name, "runs.csv"), runs);

        var figure = new Figure(1, configs.Length) { Title = "singular values of the end-to-end map (mean and min-max over seeds)" };
        var csv = new System.Text.StringBuilder("config,seed,step,index,singular_value\n");
        for (int c = 0; c < configs.Length; c++)
        {
            var mine = runs.Where(r => r.Config == configs[c]).ToList();
            double[] steps = mine[0].Maps.Select(m => (double)m.Step).ToArray();
            int count = mine[0].Maps[0].SingularValues.Count;
            LineChart chart = figure[0, c];
            chart.Title = configs[c].Label;
            chart.XLabel = "step";
            chart.YLabel = "singular value";
            chart.LogY = true;
            for (int i = 0; i < count; i++)
            {
                int index = i;
                chart.AddRuns($"s{i + 1}", steps, mine.Select(r => (IReadOnlyList<double>)r.Maps.Select(m => m.SingularValues[index]).ToArray()).ToArray());
            }

            foreach (RunResult r in mine)
            {
                foreach (var map in r.Maps)
                {
                    for (int i = 0; i < map.SingularValues.Count; i++)
                    {
                        csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{configs[c].Label},{r.Seed},{map.Step},{i + 1},{map.SingularValues[i]:R}\n");
                    }
                }
            }

            Stats rank = Stats.Of(mine.Select(r => r.Maps[^1].EffectiveRank));
            Stats tail = Stats.Of(mine.Select(r => r.Maps[^1].SingularValues[^1] / r.Maps[^1].SingularValues[0]));
            Stats startRank = Stats.Of(mine.Select(r => r.Maps[0].EffectiveRank));
            context.Summarize(Name, configs[c].Label, "final_effective_rank", rank);
            context.Summarize(Name, configs[c].Label, "final_smallest_over_largest", tail);
            context.Summarize(Name, configs[c].Label, "final_loss", Stats.Of(mine.Select(r => r.FinalLoss)));
            context.Finding(Name, $"{configs[c].Label}: effective rank {startRank} at start → {rank} at the end; smallest/largest singular value {tail}.");
        }

        Csv.Write(context.PathFor(Name, "singular-values.csv"), csv.ToString());
        figure.ToCanvas(520, 420).SavePng(context.PathFor(Name, "low-rank.png"));
    }
}
