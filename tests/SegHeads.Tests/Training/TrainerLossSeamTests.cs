using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerLossSeamTests : IDisposable
{
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose() => data.Dispose();

    [Fact]
    public void Fit_UserDefinedLoss_TrainsThroughTheSeam()
    {
        var loss = new SquaredErrorOnOneHot();
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Loss = loss, Steps = 30, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01 });

        TrainingHistory history = trainer.Fit(data);

        loss.Calls.Should().Be(30);
        history.Steps.Take(5).Average(s => s.Loss).Should().BeGreaterThan(history.Steps.TakeLast(5).Average(s => s.Loss), "the user's loss drives the updates");
    }

    [Fact]
    public void Evaluate_UserLossIgnoreIndex_SkipsThosePixels()
    {
        using var masks = data.Masks.clone();
        masks[.., ..8] = tensor(7L);
        using var halfIgnored = new InMemoryDataset(data.Images, masks, 3);
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Loss = new SquaredErrorOnOneHot(ignoreIndex: 7) });

        var metrics = trainer.Evaluate(halfIgnored);

        metrics.PixelCount.Should().Be(16 * 8 * 16);
    }

    [Fact]
    public void Fit_CrossEntropyThroughTheSeam_GivesTheSameLossesAsTheStaticForm()
    {
        var options = new TrainerOptions { Steps = 8, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01 };

        double[] viaDefault = Run(options);
        double[] viaStatic = Run(options with { Loss = new StaticCrossEntropy() });

        viaDefault.Should().Equal(viaStatic);
    }

    [Fact]
    public void Fit_LossReturningAMap_ThrowsNamingTheLossAndShape()
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Loss = new SquaredErrorOnOneHot(reduce: false), Steps = 1, BatchSize = 4 });

        Action fit = () => trainer.Fit(data);

        fit.Should().Throw<InvalidOperationException>().WithMessage("*'squared-error'*scalar*[4, 3, 16, 16]*");
    }

    private double[] Run(TrainerOptions options)
    {
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, options);
        return trainer.Fit(data).Steps.Select(s => s.Loss).ToArray();
    }

    /// <summary>The static cross-entropy wrapped by hand: the path every loss took before the seam.</summary>
    private sealed class StaticCrossEntropy : ISegmentationLoss
    {
        public string Name => "static";

        public long IgnoreIndex => -100;

        public Tensor Compute(Tensor logits, Tensor masks) => PixelCrossEntropy.Compute(logits, masks);
    }

    /// <summary>A user's loss: mean squared error between softmax probabilities and one-hot labels.</summary>
    private sealed class SquaredErrorOnOneHot(long ignoreIndex = -100, bool reduce = true) : ISegmentationLoss
    {
        public int Calls { get; private set; }

        public string Name => "squared-error";

        public long IgnoreIndex => ignoreIndex;

        public Tensor Compute(Tensor logits, Tensor masks)
        {
            Calls++;
            using var scope = NewDisposeScope();
            Tensor oneHot = nn.functional.one_hot(masks.clamp(0, logits.shape[1] - 1), logits.shape[1]).permute(0, 3, 1, 2).to(logits.dtype);
            Tensor squared = (nn.functional.softmax(logits, 1) - oneHot).pow(2);
            return scope.MoveToOuter(reduce ? squared.mean() : squared);
        }
    }
}
