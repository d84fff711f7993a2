using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>train</c>: the time of one <see cref="Trainer"/> step (batch gather, forward, loss, backward,
/// Adam) per configuration, as the median over measured steps after warm-up steps. The time of a
/// step is the interval between two consecutive progress reports of <see cref="Trainer.Fit"/>,
/// so it is exactly what a user's training loop pays. With several precisions
/// (<c>--precision fp32,bf16</c>) the runs alternate per repeat (fp32, bf16, fp32, bf16, …), so
/// machine load affects both alike; the summary gives each precision's median over all repeats and
/// the fp32/bf16 ratio. Rows of a bf16 run are labelled <c>segheads-bf16</c>.
/// </summary>
internal static class TrainBench
{
    public const string Usage =
        "train [--heads SPEC,SPEC] [--widths 16-32-64,...] [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20] "
        + "[--repeats 1] [--precision fp32,bf16] [--csv FILE] [--verbose]";

    public static int Run(BenchArgs a, int threads)
    {
        IReadOnlyList<TrainConfig> grid = TrainConfig.Grid(a);
        int warmup = a.Int("warmup", 3);
        int steps = a.Int("steps", 20);
        int repeats = a.Int("repeats", 1);
        IReadOnlyList<Precision> precisions = [.. a.List("precision", "fp32").Select(ParsePrecision)];
        string? csv = a.String("csv");
        bool verbose = a.Flag("verbose");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# train: median of {steps} steps after {warmup} warm-up, {repeats} repeat(s) per config");
        if (precisions.Contains(Precision.BFloat16Mixed))
        {
            Console.WriteLine($"# bf16: {Machine.Bf16Support()}");
        }

        var rows = new List<string>();
        var all = new Dictionary<(string Key, Precision Precision), List<double>>();
        foreach (TrainConfig c in grid)
        {
            foreach (var (r, precision) in from r in Enumerable.Range(0, repeats) from p in precisions select (r, p))
            {
                (IReadOnlyList<double> ms, long parameters) = TimeSteps(c, warmup, steps, precision);
                CollectionsMarshal.GetValueRefOrAddDefault(all, (c.Key, precision), out _) ??= [];
                all[(c.Key, precision)].AddRange(ms);
                if (verbose)
                {
                    Console.WriteLine("# steps (ms): " + string.Join(" ", ms.Select(x => x.ToString("F1", CultureInfo.InvariantCulture))));
                }

                double median = Stats.Median(ms);
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"{Impl(precision)},{c.Key},{threads},{median:F3},{Stats.Quantile(ms, 0.25):F3},{Stats.Quantile(ms, 0.75):F3},{ms.Count},{parameters}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT {row}"));
                rows.Add(row);
            }
        }

        Summarize(grid, precisions, all);
        if (csv is not null)
        {
            bool header = !File.Exists(csv);
            using var w = new StreamWriter(csv, append: true);
            if (header)
            {
                w.WriteLine("impl,head,widths,batch,classes,threads,median_ms,p25_ms,p75_ms,steps,parameters");
            }

            foreach (string row in rows)
            {
                w.WriteLine(row.Replace('|', ','));
            }
        }

        return 0;
    }

    /// <summary>Runs <paramref name="warmup"/> + <paramref name="steps"/> trainer steps; returns the measured ones in ms and the parameter count.</summary>
    public static (IReadOnlyList<double> Milliseconds, long Parameters) TimeSteps(TrainConfig c, int warmup, int steps, Precision precision = Precision.Float32)
    {
        manual_seed(0);
        using SegmentationModel model = SegmentationModel.Create(c.Head, c.Classes, c.Backbone());
        using InMemoryDataset data = RandomData(c, samples: 4 * c.Batch);
        var options = new TrainerOptions
        {
            Optimizer = OptimizerKind.Adam,
            LearningRate = 1e-3,
            BatchSize = c.Batch,
            // One more step than measured: Fit evaluates after its last step, inside that interval.
            Steps = warmup + steps + 1,
            EvaluateEvery = 0,
            Precision = precision,
        };
        using var trainer = new Trainer(model, options);
        var clock = new StepClock();
        trainer.Fit(data, progress: clock);
        return ([.. clock.Intervals.Skip(warmup).Take(steps)], model.parameters().Sum(p => p.numel()));
    }

    /// <summary><c>fp32</c> or <c>bf16</c> (bfloat16 compute with float32 master weights).</summary>
    public static Precision ParsePrecision(string text) => text.ToLowerInvariant() switch
    {
        "fp32" or "float32" => Precision.Float32,
        "bf16" or "bfloat16" => Precision.BFloat16Mixed,
        _ => throw new ArgumentException($"--precision takes fp32 and/or bf16 (comma-separated), but got '{text}'."),
    };

    private static string Impl(Precision precision) => precision == Precision.Float32 ? "segheads" : "segheads-bf16";

    private static void Summarize(IReadOnlyList<TrainConfig> grid, IReadOnlyList<Precision> precisions, Dictionary<(string Key, Precision Precision), List<double>> all)
    {
        if (precisions.Count < 2)
        {
            return;
        }

        foreach (TrainConfig c in grid)
        {
            double fp32 = Stats.Median(all[(c.Key, Precision.Float32)]);
            double bf16 = Stats.Median(all[(c.Key, Precision.BFloat16Mixed)]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SUMMARY {c.Key}: fp32 {fp32:F2} ms, bf16-mixed {bf16:F2} ms (medians over all repeats, interleaved); fp32/bf16 = {fp32 / bf16:F2}x"));
        }
    }

    /// <summary>Normal images and uniform labels; the values do not matter for the timing.</summary>
    public static InMemoryDataset RandomData(TrainConfig c, int samples)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1234);
        Tensor images = randn([samples, 3, c.Size, c.Size], generator: generator);
        Tensor masks = randint(0, c.Classes, [samples, c.Size, c.Size], dtype: int64, generator: generator);
        return new InMemoryDataset(images, masks, c.Classes);
    }

    /// <summary>Records the time between consecutive progress reports (reports arrive synchronously after each step).</summary>
    private sealed class StepClock : IProgress<TrainingProgress>
    {
        private long last = Stopwatch.GetTimestamp();

        public List<double> Intervals { get; } = [];

        public void Report(TrainingProgress value)
        {
            long now = Stopwatch.GetTimestamp();
            Intervals.Add(Stopwatch.GetElapsedTime(last, now).TotalMilliseconds);
            last = now;
        }
    }
}
