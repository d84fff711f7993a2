using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class CheckpointLoadTests : IDisposable
{
    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void LoadCheckpoint_OtherSeed_ChangesNothing()
    {
        string path = SavedRun(new TrainerOptions { Seed = 1, Steps = 2, BatchSize = 4, EvaluateEvery = 0 });
        using SegmentationModel model = TrainerFixture.NewModel(seed: 5);
        using var trainer = new Trainer(model, new TrainerOptions { Seed = 0, Steps = 6, BatchSize = 4, EvaluateEvery = 0 });
        using var cancel = new CancellationTokenSource();
        trainer.Fit(data, progress: new SynchronousProgress<TrainingProgress>(p => CancelAt(cancel, p, 3)), cancellationToken: cancel.Token);
        manual_seed(42);
        State before = State.Of(trainer);

        Action load = () => trainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*seed 1*seed 0*");
        State.Of(trainer).Should().BeEquivalentTo(before, "a failed load must leave weights, optimizer state, RNG and step untouched");
        before.Step.Should().Be(3);
        before.Optimizer.Should().NotBeEmpty();
    }

    [Fact]
    public void LoadCheckpoint_OtherBatchSize_ThrowsNamingBothAndChangesNothing()
    {
        string path = SavedRun(new TrainerOptions { Steps = 2, BatchSize = 4, EvaluateEvery = 0 });
        using SegmentationModel model = TrainerFixture.NewModel(seed: 5);
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 6, BatchSize = 8, EvaluateEvery = 0 });
        State before = State.Of(trainer);

        Action load = () => trainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*batch size 4*batch size 8*");
        State.Of(trainer).Should().BeEquivalentTo(before);
    }

    [Fact]
    public void Fit_ResumedOnADatasetOfAnotherSize_ThrowsNamingBothSizes()
    {
        string path = SavedRun(new TrainerOptions { Steps = 2, BatchSize = 4, EvaluateEvery = 0 });
        Checkpoint.ReadInfo(path).DatasetSize.Should().Be(16);
        using InMemoryDataset smaller = ToyShapes.Generate(new ToyShapesOptions { Count = 12, ImageSize = 16, NumClasses = 3, Seed = 3 });
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 6, BatchSize = 4, EvaluateEvery = 0 });
        trainer.LoadCheckpoint(path);

        Action fit = () => trainer.Fit(smaller);

        fit.Should().Throw<ArgumentException>().WithMessage("*12 samples*step 2*used 16*");
        trainer.Step.Should().Be(2);
    }

    [Fact]
    public void LoadCheckpoint_WithoutRecordedSizes_LoadsAndTrustsTheOptions()
    {
        // Checkpoints from before batch and dataset sizes were recorded carry neither.
        string path = Path.Combine(folder, "old.ckpt");
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var saver = new Trainer(model, new TrainerOptions()))
        {
            Checkpoint.Save(path, model, saver.Optimizer, new CheckpointInfo { Step = 2, Optimizer = OptimizerKind.Adam });
        }

        using SegmentationModel resumedModel = TrainerFixture.NewModel();
        using var trainer = new Trainer(resumedModel, new TrainerOptions { Steps = 4, BatchSize = 2, EvaluateEvery = 0 });

        trainer.LoadCheckpoint(path).BatchSize.Should().BeNull();
        trainer.Fit(data).Steps.Should().HaveCount(2);
    }

    [Fact]
    public void Load_ModelOfAnotherArchitecture_ChangesNothing()
    {
        string path = SavedRun(new TrainerOptions { Steps = 2, BatchSize = 4, EvaluateEvery = 0 });
        using SegmentationModel other = SegmentationModel.Create("stacked-linear:3-3-1@8", 3, TrainerFixture.Tiny);
        using var trainer = new Trainer(other, new TrainerOptions { BatchSize = 4 });
        manual_seed(8);
        State before = State.Of(trainer);

        Action load = () => trainer.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*different model*");
        State.Of(trainer).Should().BeEquivalentTo(before);
    }

    private static void CancelAt(CancellationTokenSource cancel, TrainingProgress p, long step)
    {
        if (p.Step == step)
        {
            cancel.Cancel();
        }
    }

    private string SavedRun(TrainerOptions options)
    {
        string path = Path.Combine(folder, $"{Guid.NewGuid():N}.ckpt");
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, options with { CheckpointPath = path });
        trainer.Fit(data);
        return path;
    }

    /// <summary>Everything a load may change, as plain values.</summary>
    private sealed record State(long Step, float[] Weights, byte[] Optimizer, byte[] Rng)
    {
        public static State Of(Trainer trainer)
        {
            using var scope = NewDisposeScope();
            float[] weights = trainer.Model.state_dict().Values.SelectMany(t => t.to(float32).cpu().data<float>().ToArray()).ToArray();
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                trainer.Optimizer.save_state_dict(writer);
            }

            return new State(trainer.Step, weights, stream.ToArray(), get_rng_state().data<byte>().ToArray());
        }
    }
}
