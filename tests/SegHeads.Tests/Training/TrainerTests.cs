using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerTests : IDisposable
{
    private static readonly EncoderDecoderOptions Tiny = new() { Depth = 2, BaseWidth = 4 };
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-trainer-").FullName;
    private readonly InMemoryDataset data = ToyShapes.Generate(new ToyShapesOptions { Count = 16, ImageSize = 16, NumClasses = 3, Seed = 3 });

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(OptimizerKind.Adam)]
    [InlineData(OptimizerKind.Sgd)]
    [InlineData(OptimizerKind.AdamW)]
    public void Fit_SameSeedTwice_GivesIdenticalLosses(OptimizerKind optimizer)
    {
        var options = new TrainerOptions { Optimizer = optimizer, Steps = 12, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01, WeightDecay = 1e-4 };

        double[] first = Run(options);
        double[] second = Run(options);

        first.Should().Equal(second);
        first.Should().HaveCount(12);
    }

    [Fact]
    public void Fit_CheckpointMidRun_ResumeMatchesStraightRunTo1e6()
    {
        string path = Path.Combine(folder, "mid.ckpt");
        var options = new TrainerOptions { Steps = 12, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01, Schedule = ScheduleKind.Cosine, WarmupSteps = 3, CheckpointPath = path, CheckpointEvery = 6 };
        double[] straight;
        using (SegmentationModel model = NewModel())
        using (var trainer = new Trainer(model, options with { CheckpointPath = null }))
        {
            straight = trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
        }

        // Interrupt a run after step 6 (cancellation), then resume it in fresh objects.
        using var cancel = new CancellationTokenSource();
        double[] firstHalf;
        using (SegmentationModel model = NewModel())
        using (var trainer = new Trainer(model, options))
        {
            var progress = new SynchronousProgress<TrainingProgress>(p =>
            {
                if (p.Step == 6)
                {
                    cancel.Cancel();
                }
            });
            TrainingHistory history = trainer.Fit(data, progress: progress, cancellationToken: cancel.Token);
            history.Cancelled.Should().BeTrue();
            firstHalf = history.Steps.Select(s => s.Loss).ToArray();
        }

        double[] secondHalf;
        using (SegmentationModel model = NewModel(seed: 12345))
        using (var trainer = new Trainer(model, options))
        {
            trainer.LoadCheckpoint(path).Step.Should().Be(6);
            secondHalf = trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
        }

        firstHalf.Should().HaveCount(6);
        double[] resumed = [.. firstHalf, .. secondHalf];
        resumed.Should().Equal(straight, (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    [Fact]
    public void Fit_NaNInput_StopsAtTheModelBoundaryAndKeepsLastCheckpoint()
    {
        string path = Path.Combine(folder, "nan.ckpt");
        using var poisoned = new PoisonedDataset(data, poisonAfterCalls: 4);
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 10, BatchSize = 4, EvaluateEvery = 0, CheckpointPath = path, CheckpointEvery = 2 });

        Action fit = () => trainer.Fit(poisoned);

        fit.Should().Throw<ArgumentException>().WithMessage("*NaN or infinite*");
        Checkpoint.ReadInfo(path).Step.Should().Be(4);
    }

    [Fact]
    public void Fit_EmptyDataset_ThrowsClearly()
    {
        using var empty = new InMemoryDataset(zeros(0, 3, 16, 16), zeros([0, 16, 16], dtype: ScalarType.Int64), 3);
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 1 });

        Action fit = () => trainer.Fit(empty);

        fit.Should().Throw<ArgumentException>().WithMessage("*empty*");
    }

    [Fact]
    public void Fit_BatchLargerThanDataset_ThrowsWithBothSizes()
    {
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 1, BatchSize = 64 });

        Action fit = () => trainer.Fit(data);

        fit.Should().Throw<ArgumentException>().WithMessage("*batch size 64*16 samples*");
    }

    [Fact]
    public void Fit_DatasetWithOtherClassCount_ThrowsWithBothCounts()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 5, Tiny);
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 1 });

        Action fit = () => trainer.Fit(data);

        fit.Should().Throw<ArgumentException>().WithMessage("*3 classes*predicts 5*");
    }

    [Fact]
    public void Fit_ManySteps_LeavesLiveTensorCountFlat()
    {
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 20, BatchSize = 4, EvaluateEvery = 10 });
        trainer.Fit(data);
        DisposeScopeManager.Statistics.Reset();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        using var more = new Trainer(model, new TrainerOptions { Steps = 300, BatchSize = 4, EvaluateEvery = 50 });
        more.Fit(data);

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().BeLessThanOrEqualTo(before + 64,
            "only the second optimizer's state may stay alive; nothing may grow with the number of steps");
        DisposeScopeManager.Statistics.CreatedInScopeCount.Should().BeGreaterThan(300 * 10);
    }

    [Fact]
    public void LoadCheckpoint_CorruptFile_ThrowsChecksumError()
    {
        string path = Path.Combine(folder, "corrupt.ckpt");
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 2, BatchSize = 4, EvaluateEvery = 0 });
        trainer.SaveCheckpoint(path);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);

        Action load = () => trainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage($"*{path}*corrupt*checksum*");
    }

    [Fact]
    public void LoadCheckpoint_OtherArchitecture_ThrowsNamingTheDifference()
    {
        string path = Path.Combine(folder, "other.ckpt");
        using (SegmentationModel model = NewModel())
        using (var trainer = new Trainer(model, new TrainerOptions()))
        {
            trainer.SaveCheckpoint(path);
        }

        using SegmentationModel other = SegmentationModel.Create("stacked-linear:3-3-1@8", 3, Tiny);
        using var otherTrainer = new Trainer(other, new TrainerOptions());

        Action load = () => otherTrainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*different model*head 'stacked-linear:3-1@8'*");
    }

    [Fact]
    public void LoadCheckpoint_NotACheckpoint_ThrowsClearly()
    {
        string path = Path.Combine(folder, "junk.ckpt");
        File.WriteAllText(path, "hello");
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions());

        Action load = () => trainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*not a SegHeads checkpoint*");
    }

    [Fact]
    public void Evaluate_RestoresTrainingMode()
    {
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, new TrainerOptions());
        model.train();

        var metrics = trainer.Evaluate(data);

        model.training.Should().BeTrue();
        metrics.PixelCount.Should().Be(16 * 16 * 16);
    }

    private double[] Run(TrainerOptions options)
    {
        using SegmentationModel model = NewModel();
        using var trainer = new Trainer(model, options);
        return trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
    }

    private static SegmentationModel NewModel(long seed = 0)
    {
        manual_seed(seed);
        return SegmentationModel.Create("stacked-linear:3-1@8", 3, Tiny);
    }

    private sealed class PoisonedDataset(ISegmentationDataset inner, int poisonAfterCalls) : ISegmentationDataset, IDisposable
    {
        private int calls;

        public int Count => inner.Count;

        public int Channels => inner.Channels;

        public int NumClasses => inner.NumClasses;

        public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices)
        {
            var (images, masks) = inner.GetBatch(indices);
            return ++calls > poisonAfterCalls ? (images.fill_(double.NaN), masks) : (images, masks);
        }

        public void Dispose()
        {
        }
    }
}
