using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class TrainerLabelTests : IDisposable
{
    private readonly InMemoryDataset data = TrainerFixture.Data();

    public void Dispose() => data.Dispose();

    [Fact]
    public void Fit_ValidationLabelOutOfRange_ThrowsBeforeTrainingNamingSetSampleAndLabel()
    {
        using InMemoryDataset validation = WithLabel(sample: 3, label: 7);
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 4 });

        Action fit = () => trainer.Fit(data, validation);

        fit.Should().Throw<ArgumentException>().WithMessage("*validation sample 3 has label 7*predicts 3 classes*").Which.ParamName.Should().Be("validation");
        trainer.Step.Should().Be(0);
    }

    [Fact]
    public void Fit_TrainingLabelOutOfRangeInACustomDataset_ThrowsNamingTheSample()
    {
        using InMemoryDataset bad = WithLabel(sample: 5, label: -2);
        var opaque = new OpaqueDataset(bad);
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 16, Loss = new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = 255 }) });

        Action fit = () => trainer.Fit(opaque);

        fit.Should().Throw<ArgumentException>().WithMessage("*training sample 5 has label -2*ignore index 255*");
    }

    [Fact]
    public void Evaluate_IgnoredLabelOutsideTheClasses_IsAccepted()
    {
        using InMemoryDataset withIgnored = WithLabel(sample: 2, label: 255);
        using SegmentationModel model = TrainerFixture.NewModel();
        using var trainer = new Trainer(model, new TrainerOptions { Loss = new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = 255 }) });

        trainer.Evaluate(withIgnored).PixelCount.Should().Be((16 * 16 * 16) - 1);
    }

    private InMemoryDataset WithLabel(int sample, long label)
    {
        using Tensor masks = data.Masks.clone();
        masks[sample, 4, 5] = tensor(label);
        return new InMemoryDataset(data.Images, masks, data.NumClasses);
    }

    /// <summary>A dataset the trainer cannot scan up front.</summary>
    private sealed class OpaqueDataset(ISegmentationDataset inner) : ISegmentationDataset
    {
        public int Count => inner.Count;

        public int Channels => inner.Channels;

        public int NumClasses => inner.NumClasses;

        public (Tensor Images, Tensor Masks) GetBatch(ReadOnlySpan<long> indices) => inner.GetBatch(indices);
    }
}
