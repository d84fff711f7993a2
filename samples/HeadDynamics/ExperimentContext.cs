using System.Globalization;
using System.Text;
using SegHeads.Data;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Everything an experiment needs: sizes (full or quick), seeds, data, output folder, log and summary.</summary>
internal sealed class ExperimentContext : IDisposable
{
    private readonly Dictionary<string, InMemoryDataset> datasets = [];
    private const string SummaryHeader = "experiment,config,metric,mean,std,min,max,seeds\n";
    private readonly Dictionary<string, StringBuilder> summaries = [];
    private readonly Dictionary<string, List<string>> findings = [];

    public ExperimentContext(string output, bool quick, int seeds, Action<string> log, bool seedsGiven = false)
    {
        SeedsGiven = seedsGiven;
        Output = output;
        Quick = quick;
        Seeds = Enumerable.Range(0, seeds).ToArray();
        Log = log;
    }

    public string Output { get; }

    public bool Quick { get; }

    public IReadOnlyList<int> Seeds { get; }

    /// <summary>Whether --seeds was given (experiments with their own default seed count then use <see cref="Seeds"/>).</summary>
    public bool SeedsGiven { get; }

    /// <summary>Which runs of a sharded experiment this process executes (all by default).</summary>
    public Sharding.ShardSpec Shard { get; init; } = Sharding.ShardSpec.All;

    /// <summary>Only runs whose ID starts with one of these prefixes (with <see cref="Shard"/>); null: every run.</summary>
    public IReadOnlyList<string>? RunPrefixes { get; init; }

    /// <summary>Whether this process executes run number <paramref name="index"/> (0-based, list order) with ID <paramref name="id"/>.</summary>
    public bool Executes(int index, string id) =>
        Shard.Contains(index) && (RunPrefixes is null || RunPrefixes.Any(p => id.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>Stage of a multi-stage sharded experiment to run; null runs every stage.</summary>
    public string? Stage { get; init; }

    /// <summary>Folder holding merged results of earlier stages (for --stage final), or null for <see cref="Output"/>.</summary>
    public string? EarlierStages { get; init; }

    public Action<string> Log { get; }

    /// <summary>Training steps of a head-only run.</summary>
    public int HeadSteps => Quick ? 60 : 400;

    /// <summary>Training steps of a run with a backbone.</summary>
    public int BackboneSteps => Quick ? 40 : 500;

    public int EvaluateEvery => Quick ? 20 : 25;


    /// <summary>Noisy colour blobs: 1x1 heads can classify, wider receptive fields can also average noise away.</summary>
    public InMemoryDataset Blobs(bool validation, int channels = 3, int classes = 4) =>
        Get($"blobs-{validation}-{channels}-{classes}", () => ColorBlobs.Generate(new ColorBlobsOptions
        {
            Count = validation ? 64 : (Quick ? 128 : 512),
            ImageSize = 24,
            Channels = channels,
            NumClasses = classes,
            Noise = 0.8,
            Cells = 5,
            Seed = validation ? 101 : 100,
        }));

    public InMemoryDataset Shapes(bool validation) =>
        Get($"shapes-{validation}", () => ToyShapes.Generate(new ToyShapesOptions
        {
            Count = validation ? 64 : (Quick ? 128 : 1024),
            ImageSize = 32,
            NumClasses = 4,
            Seed = validation ? 201 : 200,
        }));

    public string PathFor(string experiment, string file)
    {
        string folder = System.IO.Path.Combine(Output, experiment);
        Directory.CreateDirectory(folder);
        return System.IO.Path.Combine(folder, file);
    }

    public void Summarize(string experiment, string config, string metric, Stats stats)
    {
        if (!summaries.TryGetValue(experiment, out StringBuilder? summary))
        {
            summary = summaries[experiment] = new StringBuilder();
        }

        summary.Append(CultureInfo.InvariantCulture, $"{experiment},{config},{metric},{stats.Mean:R},{stats.Std:R},{stats.Min:R},{stats.Max:R},{stats.Count}\n");
    }

    /// <summary>Adds mean loss, final loss and final mIoU of one configuration to the summary; returns them as text.</summary>
    public string SummarizeRuns(string experiment, RunConfig config, IEnumerable<RunResult> runs)
    {
        var mine = runs.Where(r => r.Config == config).ToList();
        Stats area = Stats.Of(mine.Select(r => r.LossArea));
        Stats final = Stats.Of(mine.Select(r => r.FinalLoss));
        Stats miou = Stats.Of(mine.Select(r => r.FinalMeanIoU));
        Summarize(experiment, config.Label, "loss_area", area);
        Summarize(experiment, config.Label, "final_loss", final);
        Summarize(experiment, config.Label, "final_miou", miou);
        return $"{config.Label}: mean loss {area}, final {final}, mIoU {miou}";
    }

    public void Finding(string experiment, string text)
    {
        if (!findings.TryGetValue(experiment, out List<string>? list))
        {
            list = findings[experiment] = [];
        }

        list.Add($"- [{experiment}] {text}\n");
        Log($"  finding: {text}");
    }

    /// <summary>
    /// Writes each experiment's summary.csv and findings.md into its folder, then rebuilds the
    /// top-level files from every experiment folder present, so single-experiment runs add up.
    /// </summary>
    public void WriteSummary(IEnumerable<string> order)
    {
        foreach (var (experiment, summary) in summaries)
        {
            Csv.Write(PathFor(experiment, "summary.csv"), SummaryHeader + summary);
        }

        foreach (var (experiment, list) in findings)
        {
            Csv.Write(PathFor(experiment, "findings.md"), string.Concat(list));
        }

        var allSummaries = new StringBuilder(SummaryHeader);
        var allFindings = new StringBuilder();
        foreach (string experiment in order)
        {
            string summaryFile = System.IO.Path.Combine(Output, experiment, "summary.csv");
            string findingsFile = System.IO.Path.Combine(Output, experiment, "findings.md");
            if (File.Exists(summaryFile))
            {
                allSummaries.Append(string.Concat(File.ReadLines(summaryFile).Skip(1).Select(l => l + "\n")));
            }

            if (File.Exists(findingsFile))
            {
                allFindings.Append(File.ReadAllText(findingsFile));
            }
        }

        Csv.Write(System.IO.Path.Combine(Output, "summary.csv"), allSummaries.ToString());
        Csv.Write(System.IO.Path.Combine(Output, "findings.md"), allFindings.ToString());
    }

    public void Dispose()
    {
        foreach (InMemoryDataset d in datasets.Values)
        {
            d.Dispose();
        }
    }

    /// <summary>A dataset made once per process and disposed with the context.</summary>
    public InMemoryDataset Cached(string key, Func<InMemoryDataset> make) => Get(key, make);

    private InMemoryDataset Get(string key, Func<InMemoryDataset> make)
    {
        if (!datasets.TryGetValue(key, out InMemoryDataset? data))
        {
            data = make();
            datasets[key] = data;
        }

        return data;
    }
}
