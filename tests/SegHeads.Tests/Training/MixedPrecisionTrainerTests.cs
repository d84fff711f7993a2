using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class MixedPrecisionTrainerTests : IDisposable
{
    // NOTE: bfloat16 keeps 8 significant bits (unit roundoff 2^-9 ≈ 2e-3 per rounding). A step
    // rounds every weight, activation and activation gradient of ~10 layers, and batch norm divides
    // by batch statistics computed from rounded values, so the per-rounding errors compound: the
    // loss agrees with float32 to ~1e-4 relative (measured 1.6e-4) and the whole update vector to
    // ~2e-2 (measured 2.2e-2, cosine > 0.999). Bounds: 1e-2 on the loss, 5e-2 on the update, 1e-3
    // on 1 − cosine; float32 against float32 agrees to ~1e-6, so a broken bf16 path cannot pass.
    private const double Bf16Relative = 1e-2;

    private readonly string folder = TrainerFixture.NewFolder();
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose()
    {
        data.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(3)] // odd: the compute copy pads the class layer (libtorch's odd-channel bf16 bug)
    [InlineData(4)]
    public void Fit_OneBFloat16MixedStep_MatchesFloat32WithinBf16Tolerance(int classes)
    {
        // Plain SGD: the update is -lr·grad, so comparing updates compares gradients.
        var options = new TrainerOptions { Optimizer = OptimizerKind.Sgd, Momentum = 0, LearningRate = 0.1, Steps = 1, BatchSize = 8, EvaluateEvery = 0 };
        using var set = ToyShapes.Generate(new ToyShapesOptions { Count = 8, ImageSize = 16, NumClasses = classes, Seed = 3 });
        (double loss32, Tensor update32) = OneStep(options, set);
        (double loss16, Tensor update16) = OneStep(options with { Precision = Precision.BFloat16Mixed }, set);
        using (update32)
        using (update16)
        {
            Math.Abs(loss16 - loss32).Should().BeLessThan(Bf16Relative * Math.Abs(loss32));
            double relative = (update16 - update32).norm().item<float>() / update32.norm().item<float>();
            relative.Should().BeLessThan(5 * Bf16Relative);
            double cosine = (update16 * update32).sum().item<float>() / (update16.norm().item<float>() * update32.norm().item<float>());
            cosine.Should().BeGreaterThan(1 - 1e-3);
            relative.Should().BeGreaterThan(0, "a bf16 step that equals float32 exactly would mean it did not run in bf16");
        }
    }

    [Fact]
    public void Fit_BFloat16Mixed_MastersStatisticsAndAdamStateStayFloat32()
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        float[] meanBefore = RunningMeans(model);
        using var trainer = new Trainer(model, new TrainerOptions { Precision = Precision.BFloat16Mixed, Steps = 3, BatchSize = 4, EvaluateEvery = 0 });

        trainer.Fit(data);

        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        model.named_buffers().Where(b => b.buffer.is_floating_point()).Should().OnlyContain(b => b.buffer.dtype == ScalarType.Float32);
        RunningMeans(model).Should().NotEqual(meanBefore, "the compute copy's batch-norm statistics are copied back after each step");
        var states = ((Adam)trainer.Optimizer).state_dict().State.OfType<Adam.State>().ToList();
        states.Should().NotBeEmpty();
        states.Should().OnlyContain(s => s.exp_avg.dtype == ScalarType.Float32 && s.exp_avg_sq.dtype == ScalarType.Float32);
    }

    [Fact]
    public void Fit_BFloat16MixedTwice_GivesIdenticalLosses()
    {
        var options = new TrainerOptions { Precision = Precision.BFloat16Mixed, Steps = 6, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01 };

        Losses(options, TrainerFixture.NewModel()).Should().Equal(Losses(options, TrainerFixture.NewModel()));
    }

    [Theory]
    [InlineData(Precision.BFloat16Mixed, Precision.Float32)]
    [InlineData(Precision.Float32, Precision.BFloat16Mixed)]
    public void LoadCheckpoint_SavedInOnePrecision_ResumesInTheOther(Precision saved, Precision resumed)
    {
        string path = Path.Combine(folder, "run.ckpt");
        var options = new TrainerOptions { Steps = 4, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01, CheckpointPath = path };
        float[] savedWeights;
        using (SegmentationModel model = TrainerFixture.NewModel())
        using (var trainer = new Trainer(model, options with { Precision = saved }))
        {
            trainer.Fit(data);
            savedWeights = Weights(model);
        }

        using SegmentationModel fresh = TrainerFixture.NewModel(seed: 99);
        using var next = new Trainer(fresh, options with { Precision = resumed, Steps = 8, CheckpointPath = null });
        next.LoadCheckpoint(path).Step.Should().Be(4);
        Weights(fresh).Should().Equal(savedWeights);

        TrainingHistory history = next.Fit(data);

        history.Steps.Should().HaveCount(4);
        history.Steps.Should().OnlyContain(s => double.IsFinite(s.Loss));
        fresh.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Constructor_BFloat16MixedOnFloat64Model_ThrowsNamingDtypeAndOption(bool evaluationOnly)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        model.to(float64);
        var options = evaluationOnly ? new TrainerOptions { EvaluationPrecision = Precision.BFloat16Mixed } : new TrainerOptions { Precision = Precision.BFloat16Mixed };

        Action act = () => new Trainer(model, options).Dispose();

        act.Should().Throw<ArgumentException>()
            .WithMessage($"*TrainerOptions.{(evaluationOnly ? "EvaluationPrecision" : "Precision")} BFloat16Mixed needs a float32 model*is Float64*");
    }

    [Fact]
    public void Constructor_BFloat16MixedWithOddBackboneWidthOnCpu_ThrowsNamingTheLayer()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 3, TrainerFixture.Tiny with { BaseWidth = 3 });

        Action act = () => new Trainer(model, new TrainerOptions { Precision = Precision.BFloat16Mixed }).Dispose();

        act.Should().Throw<ArgumentException>().WithMessage("*even number of output channels*'backbone.encoders.0.0.conv' has 3*");
    }

    [Fact]
    public void Evaluate_BFloat16_AgreesWithFloat32AndLeavesModelUnchanged()
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using (var warm = new Trainer(model, new TrainerOptions { Steps = 20, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01 }))
        {
            warm.Fit(data);
        }

        float[] before = Weights(model);
        using var full = new Trainer(model);
        using var low = new Trainer(model, new TrainerOptions { EvaluationPrecision = Precision.BFloat16Mixed });

        var metrics32 = full.Evaluate(data);
        var metrics16 = low.Evaluate(data);

        metrics16.PixelAccuracy.Should().BeApproximately(metrics32.PixelAccuracy, 0.02, "bf16 rounding flips only pixels whose top two logits nearly tie");
        Weights(model).Should().Equal(before);
        model.training.Should().BeTrue();
    }

    [Fact]
    public void Validate_UndefinedPrecision_ThrowsWithValue()
    {
        Action act = () => new TrainerOptions { Precision = (Precision)7 }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Precision must be a defined Precision, but was 7*");
    }

    private static (double Loss, Tensor Update) OneStep(TrainerOptions options, InMemoryDataset set)
    {
        manual_seed(0);
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-1@8", set.NumClasses, TrainerFixture.Tiny);
        using Tensor before = Flat(model);
        using var trainer = new Trainer(model, options);
        double loss = trainer.Fit(set).Steps.Single().Loss;
        using Tensor after = Flat(model);
        return (loss, after - before);
    }

    private double[] Losses(TrainerOptions options, SegmentationModel model)
    {
        using (model)
        using (var trainer = new Trainer(model, options))
        {
            return [.. trainer.Fit(data).Steps.Select(s => s.Loss)];
        }
    }

    private static Tensor Flat(SegmentationModel model)
    {
        using var noGrad = no_grad();
        return cat([.. model.parameters().Select(p => p.detach().flatten())]);
    }

    private static float[] Weights(SegmentationModel model) =>
        [.. model.state_dict().Values.Where(t => t.is_floating_point()).SelectMany(t => t.cpu().data<float>().ToArray())];

    private static float[] RunningMeans(SegmentationModel model) =>
        [.. model.named_buffers().Where(b => b.name.EndsWith("running_mean", StringComparison.Ordinal)).SelectMany(b => b.buffer.data<float>().ToArray())];
}
