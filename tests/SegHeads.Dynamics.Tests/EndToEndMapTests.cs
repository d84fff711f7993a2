using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Dynamics;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Dynamics.Tests;

[Collection(NonParallelGroup.Name)]
public sealed class EndToEndMapTests
{
    [Fact]
    public void Capture_LinearHead_IsItsWeightWithMatrixSingularValues()
    {
        using var head = new LinearHead(3, 2);
        using (no_grad())
        {
            head.Classifier.weight!.copy_(tensor(new float[] { 3, 0, 0, 0, 2, 0 }, [2, 3, 1, 1]));
        }

        EndToEndSnapshot snapshot = EndToEndMap.Capture(head, step: 7);

        snapshot.Step.Should().Be(7);
        snapshot.Shape.Should().Equal(2, 3, 1, 1);
        snapshot.Weight.Should().Equal(3, 0, 0, 0, 2, 0);
        snapshot.SingularValues.Should().Equal([3.0, 2.0], (a, b) => Math.Abs(a - b) < 1e-6);
        snapshot.EffectiveRank.Should().BeInRange(1.9, 2.0);
    }

    [Fact]
    public void Distance_SameMapAndEmbeddedSmallerKernel_IsZero()
    {
        using var head = new LinearHead(4, 3);
        using SegmentationHead asFiveByFive = FiveByFiveCopy(head);

        EndToEndSnapshot small = EndToEndMap.Capture(head);
        EndToEndSnapshot large = EndToEndMap.Capture(asFiveByFive);

        EndToEndMap.Distance(small, small).Should().Be(0);
        EndToEndMap.Distance(small, large).Should().BeLessThan(1e-6);
        EndToEndMap.RelativeDistance(small, large).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void MatchedStart_IdenticalOutputsAtStepZero_ThenDivergingMapTrajectories()
    {
        using InMemoryDataset data = ColorBlobs.Generate(new ColorBlobsOptions { Count = 32, ImageSize = 12, Seed = 1 });
        manual_seed(2);
        SegmentationHead stacked = HeadFactory.Create("stacked-linear:3-3-1@8+pad-once", 3, 4);
        SegmentationHead single;
        using (var kernel = stacked.Collapse())
        {
            single = HeadFactory.FromKernel(kernel);
        }

        using var deep = new SegmentationModel(new IdentityBackbone(3), stacked);
        using var shallow = new SegmentationModel(new IdentityBackbone(3), single);
        var (images, _) = data.GetBatch([0, 1, 2, 3]);
        using (images)
        using (Tensor a = deep.forward(images))
        using (Tensor b = shallow.forward(images))
        {
            TensorAssert.MaxAbsDiff(a, b).Should().BeLessThan(1e-5, "both start as the same function");
        }

        var options = new TrainerOptions { Optimizer = OptimizerKind.Sgd, LearningRate = 0.05, Steps = 30, BatchSize = 8, EvaluateEvery = 10 };
        using var deepTrainer = new Trainer(deep, options);
        using var shallowTrainer = new Trainer(shallow, options);
        using var deepMaps = new EndToEndRecorder(deepTrainer);
        using var shallowMaps = new EndToEndRecorder(shallowTrainer);

        TrainingHistory deepHistory = deepTrainer.Fit(data);
        TrainingHistory shallowHistory = shallowTrainer.Fit(data);

        deepMaps.Snapshots.Select(s => s.Step).Should().Equal(0, 10, 20, 30);
        EndToEndMap.Distance(deepMaps.Snapshots[0], shallowMaps.Snapshots[0]).Should().BeLessThan(1e-5);
        double[] gaps = deepMaps.Snapshots.Zip(shallowMaps.Snapshots, EndToEndMap.Distance).ToArray();
        gaps[^1].Should().BeGreaterThan(1e-3, "same function, same data and optimizer, different parameterisation: the maps move apart");
        gaps.Skip(1).Should().OnlyContain(g => g > 1e-5);
        deepHistory.Steps[0].Loss.Should().BeApproximately(shallowHistory.Steps[0].Loss, 1e-5, "the first batch sees the same function");
    }

    private static SegmentationHead FiveByFiveCopy(LinearHead head)
    {
        using var kernel = head.Collapse();
        using Tensor padded = nn.functional.pad(kernel.Weight, [2, 2, 2, 2]);
        using var wide = new SegHeads.Reparam.ConvKernel(padded, kernel.Bias, 2);
        return HeadFactory.FromKernel(wide);
    }
}
