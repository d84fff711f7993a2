using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerOptimizerFactoryTests : IDisposable
{
    private static readonly TrainerOptions Base = new()
    {
        Steps = 12, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.02, Schedule = ScheduleKind.Cosine, WarmupSteps = 3,
        OptimizerFactory = (parameters, lr) => optim.SGD(parameters, lr, momentum: 0.9),
    };

    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Fit_CustomSgdFactory_MatchesBuiltInSgdUnderTheSchedule()
    {
        // Equal losses prove the factory's optimizer is the one stepping and that the warm-up +
        // cosine schedule drives its learning rate exactly as it drives the built-in one.
        double[] custom = Run(Base);
        double[] builtIn = Run(Base with { OptimizerFactory = null, Optimizer = OptimizerKind.Sgd, Momentum = 0.9 });

        custom.Should().Equal(builtIn);
    }

    [Fact]
    public void Fit_CustomFactoryWithOtherMomentum_DiffersFromBuiltIn()
    {
        double[] custom = Run(Base with { OptimizerFactory = (parameters, lr) => optim.SGD(parameters, lr, momentum: 0.5) });
        double[] builtIn = Run(Base with { OptimizerFactory = null, Optimizer = OptimizerKind.Sgd, Momentum = 0.9 });

        custom.Should().NotEqual(builtIn);
    }

    [Fact]
    public void LoadCheckpoint_CustomOptimizerCancelledMidRun_ContinuesExactly()
    {
        string path = Path.Combine(folder, "cancel.ckpt");
        TrainerOptions options = Base with { CheckpointPath = path };
        double[] straight = Run(Base);

        using var cancel = new CancellationTokenSource();
        double[] firstHalf;
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
            firstHalf = trainer.Fit(data, progress: progress, cancellationToken: cancel.Token).Steps.Select(s => s.Loss).ToArray();
        }

        CheckpointInfo info = Checkpoint.ReadInfo(path);
        info.Optimizer.Should().Be(OptimizerKind.Custom);
        info.OptimizerType.Should().Be("SGD");

        double[] secondHalf;
        using (SegmentationModel model = TrainerFixture.NewModel(seed: 7))
        using (var trainer = new Trainer(model, options))
        {
            trainer.LoadCheckpoint(path).Step.Should().Be(5);
            secondHalf = trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
        }

        double[] resumed = [.. firstHalf, .. secondHalf];
        resumed.Should().Equal(straight, (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    [Fact]
    public void LoadCheckpoint_CustomRunIntoBuiltInAdam_ThrowsNamingBothKinds()
    {
        string path = Path.Combine(folder, "kind.ckpt");
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, Base))
        {
            trainer.SaveCheckpoint(path);
        }

        using SegmentationModel other = TrainerFixture.NewModel();
        using var adam = new Trainer(other, Base with { OptimizerFactory = null });

        Action load = () => adam.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*Custom*Adam*");
    }

    [Fact]
    public void LoadCheckpoint_CustomFactoryOfAnotherType_ThrowsNamingBothTypes()
    {
        string path = Path.Combine(folder, "type.ckpt");
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, Base))
        {
            trainer.SaveCheckpoint(path);
        }

        using SegmentationModel other = TrainerFixture.NewModel();
        using var rmsProp = new Trainer(other, Base with { OptimizerFactory = (parameters, lr) => optim.RMSProp(parameters, lr) });

        Action load = () => rmsProp.LoadCheckpoint(path);

        load.Should().Throw<CheckpointException>().WithMessage("*SGD*RMSProp*");
    }

    [Fact]
    public void Validate_CustomKindWithoutFactory_ThrowsSayingWhatIsMissing()
    {
        Action validate = () => new TrainerOptions { Optimizer = OptimizerKind.Custom }.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Custom*OptimizerFactory*");
    }

    private double[] Run(TrainerOptions options)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, options);
        return trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
    }
}
