using System.Diagnostics;
using System.Globalization;
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Data.Augmentation;
using SegHeads.Models;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>prefetch</c>: how long a training step waits for augmented data with the background loader
/// off (<c>PrefetchBatches = 0</c>) and on (2). ToyTrain's default model and data size, ToyShapes in
/// memory through <see cref="AugmentedDataset"/> with every augmentation on; runs alternate between the
/// two settings round by round so that load on a shared machine hits both alike. The wait and the
/// step time are <see cref="StepRecord.DataWait"/> and <see cref="StepRecord.Duration"/> (warm-up steps dropped).
/// </summary>
internal static class PrefetchBench
{
    public const string Usage = "prefetch [--rounds 4] [--warmup 3] [--steps 30] [--size 48] [--batch 8] [--head stacked-linear:3-3-1@32] [--prefetch 0,2] [--plain]";

    public static int Run(BenchArgs a, int threads)
    {
        int rounds = a.Int("rounds", 4);
        int warmup = a.Int("warmup", 3);
        int steps = a.Int("steps", 30);
        int size = a.Int("size", 48);
        int batch = a.Int("batch", 8);
        string head = a.String("head", "stacked-linear:3-3-1@32")!;
        IReadOnlyList<int> depths = a.Ints("prefetch", "0,2");
        bool plain = a.Flag("plain");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# prefetch: {rounds} rounds x {steps} steps after {warmup} warm-up, head {head}, {size}px, batch {batch}, {threads} threads");
        using InMemoryDataset shapes = ToyShapes.Generate(new ToyShapesOptions { Count = 512, ImageSize = size, NumClasses = 4, Seed = 1 });
        using InMemoryDataset validation = ToyShapes.Generate(new ToyShapesOptions { Count = batch, ImageSize = size, NumClasses = 4, Seed = 2 });
        var augmentation = new AugmentationOptions
        {
            Height = size,
            Width = size,
            IgnoreIndex = -100,
            MinScale = 0.5,
            MaxScale = 2,
            MinAspectRatio = 0.75,
            MaxAspectRatio = 1.33,
            VerticalFlip = 0.5,
            Rotate90 = true,
            Brightness = 0.2,
            Contrast = 0.2,
            Saturation = 0.2,
            Hue = 0.05,
            Mean = AugmentationOptions.ImageNetMean,
            Std = AugmentationOptions.ImageNetStd,
        };
        var augmented = new AugmentedDataset(shapes, augmentation);
        ISegmentationDataset train = plain ? shapes : augmented;
        Console.WriteLine(plain ? "# data: ToyShapes in memory, no augmentation (batch gather only)" : "# data: ToyShapes in memory through AugmentedDataset (all augmentations on)");

        // The cost of the data alone: one augmented batch on this thread.
        var load = new List<double>();
        for (int i = 0; i < 20; i++)
        {
            var clock = Stopwatch.StartNew();
            var (images, masks) = augmented.GetBatch(Enumerable.Range(i * batch, batch).Select(x => (long)x).ToArray(), epoch: i);
            load.Add(clock.Elapsed.TotalMilliseconds);
            images.Dispose();
            masks.Dispose();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# one augmented batch alone: median {Stats.Median(load):F2} ms (IQR {Stats.Quantile(load, 0.25):F2}-{Stats.Quantile(load, 0.75):F2})"));

        var waits = depths.ToDictionary(d => d, _ => new List<double>());
        var durations = depths.ToDictionary(d => d, _ => new List<double>());
        var fractions = depths.ToDictionary(d => d, _ => new List<double>());
        for (int r = 0; r < rounds; r++)
        {
            IEnumerable<int> order = r % 2 == 0 ? depths : depths.Reverse();
            foreach (int depth in order)
            {
                manual_seed(0);
                using SegmentationModel model = SegmentationModel.Create(head, 4, new EncoderDecoderOptions { BaseWidth = 16, Depth = 3 });
                using var trainer = new Trainer(model, new TrainerOptions
                {
                    Steps = warmup + steps, BatchSize = batch, EvaluateEvery = 0, LearningRate = 3e-3, PrefetchBatches = depth,
                });
                TrainingHistory history = trainer.Fit(train, validation);
                foreach (StepRecord s in history.Steps.Skip(warmup))
                {
                    waits[depth].Add(s.DataWait.TotalMilliseconds);
                    durations[depth].Add(s.Duration.TotalMilliseconds);
                    fractions[depth].Add(s.DataWait / s.Duration);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"# round {r} prefetch {depth}: median step {Stats.Median([.. history.Steps.Skip(warmup).Select(s => s.Duration.TotalMilliseconds)]):F1} ms, data wait {history.DataWaitFraction:P1} of step time, load {Machine.LoadAverage()}"));
            }
        }

        Console.WriteLine("RESULT prefetch,threads,median_wait_ms,median_step_ms,median_wait_fraction,wait_fraction_iqr,steps");
        foreach (int depth in depths)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT {depth},{threads},{Stats.Median(waits[depth]):F3},{Stats.Median(durations[depth]):F1},{Stats.Median(fractions[depth]):F4},{Stats.Quantile(fractions[depth], 0.25):F4}-{Stats.Quantile(fractions[depth], 0.75):F4},{waits[depth].Count}"));
        }

        return 0;
    }
}
