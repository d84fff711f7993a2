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
/// (<c>--precision fp32,bf16</c>) one trainer per precision is built and they alternate step by step
/// (fp32, bf16, bf16, fp32, …: each <see cref="Trainer.Fit"/> call is cancelled after one step and
/// the next call continues the run), so load on a shared machine hits both alike; a step's time then
/// runs from the call to its progress report and includes Fit's up-front checks (a label scan of the
/// in-memory masks, well under a millisecond here). The summary gives each precision's median over all
/// repeats and the median of the per-step fp32/bf16 ratios. Rows of a bf16 run are labelled <c>segheads-bf16</c>.
/// </summary>
internal static class TrainBench
{

    public const string Usage =
        "train [--heads SPEC,SPEC] [--widths 16-32-64,...] [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20] "
        + "[--repeats 1] [--precision fp32,bf16] [--prefetch 0] [--csv FILE] [--verbose]";

    public static int Run(BenchArgs a, int threads)
    {
        IReadOnlyList<TrainConfig> grid = TrainConfig.Grid(a);
        int warmup = a.Int("warmup", 3);
        int steps = a.Int("steps", 20);
        int repeats = a.Int("repeats", 1);
        IReadOnlyList<Precision> precisions = [.. a.List("precision", "fp32").Select(ParsePrecision)];
        string? csv = a.String("csv");
        bool verbose = a.Flag("verbose");
        // Batches the trainer loads ahead: default 0 as in TrainerOptions (on the training thread).
        int prefetch = a.Int("prefetch", 0);
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
            var runs = new List<(Precision Precision, IReadOnlyList<double> Ms, long Parameters)>();
            for (int r = 0; r < repeats; r++)
            {
                if (precisions.Count == 1)
                {
                    (IReadOnlyList<double> ms1, long p1) = TimeSteps(c, warmup, steps, precisions[0], prefetch);
                    runs.Add((precisions[0], ms1, p1));
                }
                else
                {
                    runs.AddRange(TimeInterleaved(c, precisions, warmup, steps, prefetch));
                }
            }

            foreach (var (precision, ms, parameters) in runs)
            {
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
    public static (IReadOnlyList<double> Milliseconds, long Parameters) TimeSteps(TrainConfig c, int warmup, int steps, Precision precision = Precision.Float32, int prefetch = 0)
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
            PrefetchBatches = prefetch,
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
            List<double> a = all[(c.Key, Precision.Float32)];
            List<double> b = all[(c.Key, Precision.BFloat16Mixed)];
            double fp32 = Stats.Median(a);
            double bf16 = Stats.Median(b);
            double[] ratios = [.. a.Zip(b, (x, y) => x / y)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"SUMMARY {c.Key}: fp32 {fp32:F2} ms, bf16-mixed {bf16:F2} ms (medians of {a.Count} interleaved steps); "
                + $"ratio of medians {fp32 / bf16:F2}x, median per-step ratio {Stats.Median(ratios):F2}x (IQR {Stats.Quantile(ratios, 0.25):F2}–{Stats.Quantile(ratios, 0.75):F2})"));
        }
    }

    /// <summary>One trainer per precision on the same model initialisation and data, stepped alternately; returns each one's measured steps.</summary>
    private static List<(Precision Precision, IReadOnlyList<double> Ms, long Parameters)> TimeInterleaved(TrainConfig c, IReadOnlyList<Precision> precisions, int warmup, int steps, int prefetch)
    {
        using InMemoryDataset data = RandomData(c, samples: 4 * c.Batch);
        var models = new List<SegmentationModel>();
        var trainers = new List<Trainer>();
        try
        {
            foreach (Precision precision in precisions)
            {
                manual_seed(0);
                SegmentationModel model = SegmentationModel.Create(c.Head, c.Classes, c.Backbone());
                models.Add(model);
                trainers.Add(new Trainer(model, new TrainerOptions
                {
                    Optimizer = OptimizerKind.Adam,
                    LearningRate = 1e-3,
                    BatchSize = c.Batch,
                    Steps = warmup + steps + 1,
                    PrefetchBatches = prefetch,
                    EvaluateEvery = 0,
                    Precision = precision,
                }));
            }

            var ms = precisions.Select(_ => new List<double>()).ToList();
            for (int step = 0; step < warmup + steps; step++)
            {
                // Alternate the order too (ABBA), so neither precision always runs right after the other.
                foreach (int i in step % 2 == 0 ? Enumerable.Range(0, trainers.Count) : Enumerable.Range(0, trainers.Count).Reverse())
                {
                    double t = OneStep(trainers[i], data);
                    if (step >= warmup)
                    {
                        ms[i].Add(t);
                    }
                }
            }

            long parameters = models[0].parameters().Sum(p => p.numel());
            return [.. precisions.Select((p, i) => (p, (IReadOnlyList<double>)ms[i], parameters))];
        }
        finally
        {
            trainers.ForEach(t => t.Dispose());
            models.ForEach(m => m.Dispose());
        }
    }

    /// <summary>One step of <paramref name="trainer"/>: Fit, cancelled as soon as the step reports.</summary>
    private static double OneStep(Trainer trainer, InMemoryDataset data)
    {
        using var cancel = new CancellationTokenSource();
        double ms = double.NaN;
        long start = Stopwatch.GetTimestamp();
        trainer.Fit(data, progress: new SynchronousProgress<TrainingProgress>(_ =>
        {
            ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            cancel.Cancel();
        }), cancellationToken: cancel.Token);
        return ms;
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
