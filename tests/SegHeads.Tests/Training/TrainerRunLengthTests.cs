using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerRunLengthTests : IDisposable
{
    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Fit_CalledAgainAfterACompleteRun_ThrowsSayingHowToContinue()
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 3, BatchSize = 4, EvaluateEvery = 0 });
        trainer.Fit(data);

        Action again = () => trainer.Fit(data);

        again.Should().Throw<InvalidOperationException>().WithMessage("*complete at step 3 of 3*new Trainer*more Steps*LoadCheckpoint*");
        trainer.Step.Should().Be(3);
    }

    [Fact]
    public void Fit_AfterCancellation_ContinuesTheSameRun()
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 4, EvaluateEvery = 0 });
        using var cancel = new CancellationTokenSource();
        var stopAfterTwo = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (p.Step == 2)
            {
                cancel.Cancel();
            }
        });
        trainer.Fit(data, progress: stopAfterTwo, cancellationToken: cancel.Token).Cancelled.Should().BeTrue();

        TrainingHistory rest = trainer.Fit(data);

        rest.Steps.Select(s => s.Step).Should().Equal(3, 4);
        rest.FinalMetrics.Should().NotBeNull();
    }

    [Fact]
    public void Fit_CheckpointBeyondTheRunsSteps_ThrowsNamingBothNumbers()
    {
        string path = Path.Combine(folder, "ten.ckpt");
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, new TrainerOptions { Steps = 10, BatchSize = 4, EvaluateEvery = 0, CheckpointPath = path }))
        {
            trainer.Fit(data);
        }

        using SegmentationModel resumedModel = TrainerFixture.NewModel();
        using var resumed = new Trainer(resumedModel, new TrainerOptions { Steps = 5, BatchSize = 4, EvaluateEvery = 0 });
        resumed.LoadCheckpoint(path);

        Action fit = () => resumed.Fit(data);

        fit.Should().Throw<InvalidOperationException>().WithMessage("*step 10*only 5 steps*");
    }

    [Fact]
    public void Validate_WarmupLongerThanSteps_ThrowsWithBothNumbers()
    {
        Action validate = () => new TrainerOptions { Steps = 50, WarmupSteps = 100 }.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*WarmupSteps (100)*Steps (50)*");
    }

    [Fact]
    public void Fit_WarmupLongerThanTheEpochsTotal_ThrowsBeforeTraining()
    {
        // 16 samples / batch 4 = 4 batches per epoch, 2 epochs = 8 steps < 10 warm-up steps.
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, WarmupSteps = 10, BatchSize = 4 });

        Action fit = () => trainer.Fit(data);

        fit.Should().Throw<InvalidOperationException>().WithMessage("*WarmupSteps (10)*8 total steps*");
        trainer.Step.Should().Be(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Evaluate_NonPositiveBatchSize_ThrowsNamingTheValue(int batchSize)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions());

        Action evaluate = () => trainer.Evaluate(data, batchSize);

        evaluate.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*batchSize*{batchSize}*");
    }
}
