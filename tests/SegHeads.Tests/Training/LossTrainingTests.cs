using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;

namespace SegHeads.Tests.Training;

/// <summary>The new losses drive real training through the trainer's loss seam.</summary>
[Collection(NonParallelGroup.Name)]
public sealed class LossTrainingTests : IDisposable
{
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public static TheoryData<string> Losses => ["dice", "focal", "sum"];

    public void Dispose() => data.Dispose();

    [Theory]
    [MemberData(nameof(Losses))]
    public void Fit_OnToyShapes_LossDecreases(string which)
    {
        ISegmentationLoss loss = which switch
        {
            "dice" => new DiceLoss(),
            "focal" => new FocalLoss(),
            _ => new WeightedLossSum((1.0, new PixelCrossEntropy()), (0.5, new DiceLoss())),
        };
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Loss = loss, Steps = 30, BatchSize = 4, EvaluateEvery = 0, LearningRate = 0.01 });

        TrainingHistory history = trainer.Fit(data);

        double first = history.Steps.Take(5).Average(s => s.Loss);
        double last = history.Steps.TakeLast(5).Average(s => s.Loss);
        last.Should().BeLessThan(first * 0.95, $"{loss.Name} should train the model ({first:F4} → {last:F4})");
    }
}
