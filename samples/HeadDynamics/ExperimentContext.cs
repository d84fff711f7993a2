using System.Globalization;
using System.Text;
using SegHeads.Data;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Everything an experiment needs: sizes (full or quick), seeds, data, output folder, log and summary.</summary>
internal sealed class ExperimentContext : IDisposable
{
    private readonly Dictionary<string, TensorDataset> datasets = [];
    private readonly StringBuilder summary = new("experiment,config,metric,mean,std,min,max,seeds\n");
    private readonly List<string> findings = [];

    public ExperimentContext(string output, bool quick, int seeds, Action<string> log)
    {
        Output = output;
        Quick = quick;
        Seeds = Enumerable.Range(0, seeds).ToArray();
        Log = log;
    }

    public string Output { get; }

    public bool Quick { get; }

    public IReadOnlyList<int> Seeds { get; }

    public Action<string> Log { get; }

    /// <summary>Training steps of a head-only run.</summary>
    public int HeadSteps => Quick ? 60 : 400;

    /// <summary>Training steps of a run with a backbone.</summary>
    public int BackboneSteps => Quick ? 40 : 500;

    public int EvaluateEvery => Quick ? 20 : 25;

    public IReadOnlyList<string> Findings => findings;

    /// <summary>Noisy colour blobs: 1x1 heads can classify, wider receptive fields can also average noise away.</summary>
    public TensorDataset Blobs(bool validation, int channels = 3, int classes = 4) =>
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

    public TensorDataset Shapes(bool validation) =>
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

    public void Summarize(string experiment, string config, string metric, Stats stats) =>
        summary.Append(CultureInfo.InvariantCulture, $"{experiment},{config},{metric},{stats.Mean:R},{stats.Std:R},{stats.Min:R},{stats.Max:R},{stats.Count}\n");

    public void Finding(string experiment, string text)
    {
        findings.Add($"[{experiment}] {text}");
        Log($"  finding: {text}");
    }

    public void WriteSummary()
    {
        Csv.Write(System.IO.Path.Combine(Output, "summary.csv"), summary.ToString());
        Csv.Write(System.IO.Path.Combine(Output, "findings.md"), string.Join("\n", findings.Select(f => "- " + f)) + "\n");
    }

    public void Dispose()
    {
        foreach (TensorDataset d in datasets.Values)
        {
            d.Dispose();
        }
    }

    private TensorDataset Get(string key, Func<TensorDataset> make)
    {
        if (!datasets.TryGetValue(key, out TensorDataset? data))
        {
            data = make();
            datasets[key] = data;
        }

        return data;
    }
}
