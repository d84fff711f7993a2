using System.Diagnostics;
using System.Globalization;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>memory</c>: live tensors and process RSS over a long <see cref="Trainer.Fit"/> run (2,000
/// steps of the reference configuration by default), sampled from the progress reports. Live
/// tensors are TorchSharp's count of undisposed tensor handles (parameters, gradients, optimizer
/// state and the dataset included), so a flat line means no step leaks; RSS growth is measured
/// from the sample at step 100, after allocator pools and the JIT have settled.
/// </summary>
internal static class MemoryBench
{
    public const string Usage =
        "memory [--head SPEC] [--widths 16-32-64] [--batch 8] [--size 64] [--classes 4] [--steps 2000] [--every 100] [--baseline 100] [--csv FILE]";

    public static int Run(BenchArgs a, int threads)
    {
        var c = new TrainConfig(a.String("head", "stacked-linear:3-3-1@16")!, a.String("widths", "16-32-64")!, a.Int("batch", 8), a.Int("size", 64), a.Int("classes", 4));
        int steps = a.Int("steps", 2000);
        int every = a.Int("every", 100);
        int baseline = a.Int("baseline", 100);
        string? csv = a.String("csv");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# memory {c.Key}: {steps} Trainer steps (Adam), sampled every {every}; RSS growth relative to step {baseline}");
        manual_seed(0);
        using SegmentationModel model = SegmentationModel.Create(c.Head, c.Classes, c.Backbone());
        using InMemoryDataset data = TrainBench.RandomData(c, 16 * c.Batch);
        using var trainer = new Trainer(model, new TrainerOptions { BatchSize = c.Batch, Steps = steps, EvaluateEvery = 0 });
        // NOTE: module constructors leave a few temporaries for the finalizer; collect them first,
        // so that the count measures what the training steps do.
        long beforeGc = Tensor.TotalCount;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Console.WriteLine($"# live tensors before training: {beforeGc}, after a full GC: {Tensor.TotalCount}");
        var probe = new Probe(every);
        trainer.Fit(data, progress: probe);

        Console.WriteLine($"{"step",6} {"live tensors",13} {"in-thread live",15} {"RSS MiB",9} {"managed MiB",12} {"s",7}");
        foreach (Sample s in probe.Samples)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{s.Step,6} {s.LiveTensors,13} {s.ThreadLive,15} {s.Rss / 1048576.0,9:F1} {s.Managed / 1048576.0,12:F1} {s.Seconds,7:F1}"));
        }

        Sample[] after = [.. probe.Samples.Where(s => s.Step >= baseline)];
        if (after.Length < 2)
        {
            throw new ArgumentException($"--steps {steps} leaves fewer than two samples from step {baseline} on; raise --steps or lower --baseline.");
        }

        Sample first = after[0];
        Sample last = after[^1];
        long liveMin = after.Min(s => s.LiveTensors);
        long liveMax = after.Max(s => s.LiveTensors);
        double growth = (double)(last.Rss - first.Rss) / first.Rss;
        double peakGrowth = (double)(after.Max(s => s.Rss) - first.Rss) / first.Rss;
        // The trend, robust to allocator noise: median RSS of the last five samples against the first five.
        int k = Math.Min(5, after.Length / 2);
        double early = Stats.Median([.. after.Take(k).Select(s => (double)s.Rss)]);
        double late = Stats.Median([.. after.TakeLast(k).Select(s => (double)s.Rss)]);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"live tensors from step {first.Step} to {last.Step}: min {liveMin}, max {liveMax} ({(liveMin == liveMax ? "flat" : "NOT flat")})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS from step {first.Step} to {last.Step}: {first.Rss / 1048576.0:F1} -> {last.Rss / 1048576.0:F1} MiB, growth {growth:P2} (peak {peakGrowth:P2}); {(growth < 0.05 ? "under" : "OVER")} 5%"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS trend (median of the first vs last {k} samples from step {first.Step}): {early / 1048576.0:F1} -> {late / 1048576.0:F1} MiB, {(late - early) / early:P2}"));
        if (csv is not null)
        {
            File.WriteAllLines(csv, ["step,live_tensors,thread_live,rss_bytes,managed_bytes,seconds",
                .. probe.Samples.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Step},{s.LiveTensors},{s.ThreadLive},{s.Rss},{s.Managed},{s.Seconds:F3}"))]);
        }

        return liveMin == liveMax && growth < 0.05 ? 0 : 1;
    }

    private sealed record Sample(long Step, long LiveTensors, long ThreadLive, long Rss, long Managed, double Seconds);

    private sealed class Probe(int every) : IProgress<TrainingProgress>
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public List<Sample> Samples { get; } = [];

        public void Report(TrainingProgress value)
        {
            if (value.Step == 1 || value.Step % every == 0 || value.Step == value.TotalSteps)
            {
                Samples.Add(new Sample(value.Step, Tensor.TotalCount, DisposeScopeManager.Statistics.ThreadTotalLiveCount,
                    Machine.ResidentBytes(), GC.GetTotalMemory(false), clock.Elapsed.TotalSeconds));
            }
        }
    }
}
