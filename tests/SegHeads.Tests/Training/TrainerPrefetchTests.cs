using System.Collections.Concurrent;
using SegHeads.Data;
using SegHeads.Data.Augmentation;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerPrefetchTests : IDisposable
{
    private static readonly AugmentationOptions Augment = new()
    {
        Height = 16,
        Width = 16,
        Seed = 5,
        IgnoreIndex = -100,
        MinScale = 0.75,
        MaxScale = 1.5,
        MinAspectRatio = 0.8,
        MaxAspectRatio = 1.25,
        VerticalFlip = 0.5,
        Rotate90 = true,
        Brightness = 0.2,
        Contrast = 0.2,
        Saturation = 0.2,
        Hue = 0.05,
        Mean = AugmentationOptions.ImageNetMean,
        Std = AugmentationOptions.ImageNetStd,
    };

    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Fit_PrefetchTwoVersusSynchronous_GivesBitIdenticalWeights()
    {
        var augmented = new AugmentedDataset(data, Augment);
        var options = new TrainerOptions { Steps = 10, BatchSize = 4, EvaluateEvery = 4, LearningRate = 0.01 };

        var (syncLosses, syncWeights) = Train(augmented, options with { PrefetchBatches = 0 });
        var (asyncLosses, asyncWeights) = Train(augmented, options with { PrefetchBatches = 2 });

        asyncLosses.Should().Equal(syncLosses);
        asyncWeights.Should().HaveCount(syncWeights.Count).And.OnlyContain(kv => syncWeights.ContainsKey(kv.Key));
        foreach (var (name, weight) in syncWeights)
        {
            weight.SequenceEqual(asyncWeights[name]).Should().BeTrue($"parameter {name} must be bit-identical");
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void Fit_EpochDataset_GetsEachStepsSamplesAndEpoch(int prefetch)
    {
        using var recorder = new TrackingDataset(new AugmentedDataset(data, Augment));
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 9, BatchSize = 4, EvaluateEvery = 0, Seed = 11, PrefetchBatches = prefetch });

        trainer.Fit(recorder);

        var sampler = new BatchSampler(16, 4, seed: 11);
        recorder.EpochCalls.Should().HaveCount(9);
        for (int step = 0; step < 9; step++)
        {
            recorder.EpochCalls[step].Indices.Should().Equal(sampler.BatchAt(step));
            recorder.EpochCalls[step].Epoch.Should().Be(step / 4);
        }
    }

    [Fact]
    public void Fit_AugmentedCheckpointMidRun_ResumeLandsOnTheSameBatches()
    {
        string path = Path.Combine(folder, "augmented.ckpt");
        var augmented = new AugmentedDataset(data, Augment);
        var options = new TrainerOptions { Steps = 12, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01, CheckpointPath = path, CheckpointEvery = 5, PrefetchBatches = 2 };
        double[] straight;
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, options with { CheckpointPath = null }))
        {
            straight = trainer.Fit(augmented).Steps.Select(s => s.Loss).ToArray();
        }

        // Cancel after step 5 (mid-epoch, with batches for steps 6 and 7 already prefetched).
        using var cancel = new CancellationTokenSource();
        double[] firstPart;
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, options))
        {
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step == 5)
                {
                    cancel.Cancel();
                }
            });
            firstPart = trainer.Fit(augmented, progress: progress, cancellationToken: cancel.Token).Steps.Select(s => s.Loss).ToArray();
        }

        double[] rest;
        using (SegmentationModel model = TrainerFixture.NewModel(seed: 999))
        using (var trainer = new Trainer(model, options))
        {
            trainer.LoadCheckpoint(path).Step.Should().Be(5);
            rest = trainer.Fit(augmented).Steps.Select(s => s.Loss).ToArray();
        }

        firstPart.Should().HaveCount(5);
        double[] resumed = [.. firstPart, .. rest];
        resumed.Should().Equal(straight, (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    [Fact]
    public void Fit_LoaderThrows_SurfacesTheOriginalExceptionAndDisposesEveryBatch()
    {
        const string message = "Cannot decode /data/images/cat_0007.png: the file is truncated (expected 4096 bytes, got 1000).";
        using var failing = new TrackingDataset(new AugmentedDataset(data, Augment)) { ThrowOnCall = 4, Failure = new IOException(message) };
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 10, BatchSize = 4, EvaluateEvery = 0, PrefetchBatches = 2 });

        Action fit = () => trainer.Fit(failing);

        fit.Should().Throw<IOException>().Which.Should().BeSameAs(failing.Failure, "the worker's exception surfaces unchanged, with the file path");
        trainer.Step.Should().Be(3, "the steps before the failing batch ran");
        failing.Handed.Should().NotBeEmpty().And.OnlyContain(t => t.IsInvalid, "the loader disposes the batches it still held");
    }

    [Fact]
    public void Fit_CancelledWithBatchesInFlight_DisposesThemAndStops()
    {
        using var tracked = new TrackingDataset(new AugmentedDataset(data, Augment));
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 40, BatchSize = 4, EvaluateEvery = 0, PrefetchBatches = 3 });
        using var cancel = new CancellationTokenSource();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step == 2)
            {
                cancel.Cancel();
            }
        });

        TrainingHistory history = trainer.Fit(tracked, progress: progress, cancellationToken: cancel.Token);
        int callsAfterFit = tracked.Calls;

        history.Cancelled.Should().BeTrue();
        history.Steps.Should().HaveCount(2);
        tracked.Handed.Should().OnlyContain(t => t.IsInvalid);
        callsAfterFit.Should().BeLessThanOrEqualTo(2 + 3 + 1, "at most the prefetch depth plus the batch being read ran ahead");
        tracked.Readers.Should().NotBeEmpty("the loader read ahead on its own thread")
            .And.OnlyContain(t => !t.IsAlive, "Fit stops and joins its loader before returning, so no thread can read any more");
        tracked.Calls.Should().Be(callsAfterFit);
    }

    [Fact]
    public void Fit_WithPrefetch_NeverReadsTheDatasetFromTwoThreadsAtOnce()
    {
        // Evaluating on the training set reads it on the training thread while the loader reads ahead.
        using var tracked = new TrackingDataset(new AugmentedDataset(data, Augment)) { Delay = TimeSpan.FromMilliseconds(2) };
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 12, BatchSize = 4, EvaluateEvery = 2, PrefetchBatches = 2 });

        trainer.Fit(tracked);

        tracked.EpochCalls.Should().HaveCount(12);
        tracked.PlainCalls.Should().BeGreaterThan(0, "evaluation read the training set");
        tracked.MaxConcurrent.Should().Be(1);
    }

    [Fact]
    public void Fit_ManyStepsWithPrefetch_LeavesNoBatchAliveAndTheScopeCountFlat()
    {
        using var tracked = new TrackingDataset(new AugmentedDataset(data, Augment));
        using SegmentationModel model = TrainerFixture.NewModel();
        using var warmup = new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 4, EvaluateEvery = 0 });
        warmup.Fit(tracked);
        DisposeScopeManager.Statistics.Reset();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using var trainer = new Trainer(model, new TrainerOptions { Steps = 60, BatchSize = 4, EvaluateEvery = 20, PrefetchBatches = 2 });
        TrainingHistory history = trainer.Fit(tracked);

        tracked.Handed.Should().HaveCountGreaterThan(120).And.OnlyContain(t => t.IsInvalid, "every batch the loader made was disposed by its consumer");
        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().BeLessThanOrEqualTo(before + 64,
            "only the second optimizer's state may stay alive on the training thread");
        history.Steps.Should().OnlyContain(s => s.DataWait >= TimeSpan.Zero && s.DataWait <= s.Duration);
        history.DataWaitFraction.Should().BeInRange(0, 1);
    }

    [Fact]
    public void Options_NegativePrefetch_ThrowsNamingTheValue()
    {
        Action validate = () => new TrainerOptions { PrefetchBatches = -1 }.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage("PrefetchBatches must be non-negative*but was -1*");
    }

    private static (double[] Losses, Dictionary<string, float[]> Weights) Train(ISegmentationDataset train, TrainerOptions options)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, options);
        double[] losses = trainer.Fit(train).Steps.Select(s => s.Loss).ToArray();
        var weights = model.state_dict().Where(kv => kv.Value.dtype == ScalarType.Float32)
            .ToDictionary(kv => kv.Key, kv => kv.Value.data<float>().ToArray());
        return (losses, weights);
    }

    /// <summary>Records every call and every tensor it hands out; can fail on a given call or run slowly.</summary>
    private sealed class TrackingDataset(IEpochDataset inner) : IEpochDataset, IDisposable
    {
        private readonly ConcurrentQueue<Tensor> handed = new();
        private readonly List<(long[] Indices, long Epoch)> epochCalls = [];
        private readonly int owner = Environment.CurrentManagedThreadId;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Thread, byte> readers = new();
        private int calls;
        private int plainCalls;
        private int active;
        private int maxConcurrent;

        public int ThrowOnCall { get; init; } = -1;

        public Exception? Failure { get; init; }

        public TimeSpan Delay { get; init; }

        public int Count => inner.Count;

        public int Channels => inner.Channels;

        public int NumClasses => inner.NumClasses;

        public int Calls => Volatile.Read(ref calls);

        public int PlainCalls => Volatile.Read(ref plainCalls);

        public int MaxConcurrent => Volatile.Read(ref maxConcurrent);

        public IReadOnlyList<(long[] Indices, long Epoch)> EpochCalls
        {
            get
            {
                lock (epochCalls)
                {
                    return [.. epochCalls];
                }
            }
        }

        public IReadOnlyCollection<Tensor> Handed => handed;

        /// <summary>The threads other than the test's that read the dataset.</summary>
        public IReadOnlyCollection<Thread> Readers => readers.Keys.ToArray();

        public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices, long epoch)
        {
            long[] copy = indices.ToArray();
            return Track(() =>
            {
                lock (epochCalls)
                {
                    epochCalls.Add((copy, epoch));
                }

                return inner.GetBatch(copy, epoch);
            });
        }

        public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices)
        {
            long[] copy = indices.ToArray();
            Interlocked.Increment(ref plainCalls);
            return Track(() => inner.GetBatch(copy));
        }

        public void Dispose()
        {
        }

        private (Tensor Images, Tensor Masks) Track(Func<(Tensor Images, Tensor Masks)> read)
        {
            if (Environment.CurrentManagedThreadId != owner)
            {
                readers.TryAdd(Thread.CurrentThread, 0);
            }

            int now = Interlocked.Increment(ref active);
            InterlockedMax(ref maxConcurrent, now);
            try
            {
                if (Interlocked.Increment(ref calls) == ThrowOnCall)
                {
                    throw Failure!;
                }

                if (Delay > TimeSpan.Zero)
                {
                    Thread.Sleep(Delay);
                }

                var (images, masks) = read();
                handed.Enqueue(images);
                handed.Enqueue(masks);
                return (images, masks);
            }
            finally
            {
                Interlocked.Decrement(ref active);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
            {
            }
        }
    }
}
