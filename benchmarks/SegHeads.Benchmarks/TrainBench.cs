using System.Diagnostics;
using System.Globalization;
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
/// so it is exactly what a user's training loop pays.
/// </summary>
internal static class TrainBench
{
    public const string Usage =
        "train [--heads SPEC,SPEC] [--widths 16-32-64,...] [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20] "
        + "[--repeats 1] [--csv FILE] [--verbose]";

    public static int Run(BenchArgs a, int threads)
    {
        IReadOnlyList<TrainConfig> grid = TrainConfig.Grid(a);
        int warmup = a.Int("warmup", 3);
        int steps = a.Int("steps", 20);
        int repeats = a.Int("repeats", 1);
        string? csv = a.String("csv");
        bool verbose = a.Flag("verbose");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# train: median of {steps} steps after {warmup} warm-up, {repeats} repeat(s) per config");
        var rows = new List<string>();
        foreach (TrainConfig c in grid)
        {
            for (int r = 0; r < repeats; r++)
            {
                (IReadOnlyList<double> ms, long parameters) = TimeSteps(c, warmup, steps);
                if (verbose)
                {
                    Console.WriteLine("# steps (ms): " + string.Join(" ", ms.Select(x => x.ToString("F1", CultureInfo.InvariantCulture))));
                }

                double median = Stats.Median(ms);
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"segheads,{c.Key},{threads},{median:F3},{Stats.Quantile(ms, 0.25):F3},{Stats.Quantile(ms, 0.75):F3},{ms.Count},{parameters}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"RESULT {row}"));
                rows.Add(row);
            }
        }

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
    public static (IReadOnlyList<double> Milliseconds, long Parameters) TimeSteps(TrainConfig c, int warmup, int steps)
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
        };
        using var trainer = new Trainer(model, options);
        var clock = new StepClock();
        trainer.Fit(data, progress: clock);
        return ([.. clock.Intervals.Skip(warmup).Take(steps)], model.parameters().Sum(p => p.numel()));
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
