using SegHeads.Metrics;
using static TorchSharp.torch;

namespace SegHeads.Tests.Metrics;

public sealed class ConfusionMatrixTests
{
    private static readonly float[] FractionalPredictions = [1.7f, 0f];
    private static readonly bool[] BoolPredictions = [true, false, true];
    private static readonly int[] Int32Targets = [1, 0, 0];

    [Fact]
    public void Compute_HandBuiltMatrix_GivesHandComputedMetrics()
    {
        // target 0: 3 → 0, 1 → 1;  target 1: 2 → 1;  target 2: 1 → 1, 1 → 2.
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0, 3);
        matrix.Add(0, 1, 1);
        matrix.Add(1, 1, 2);
        matrix.Add(2, 1, 1);
        matrix.Add(2, 2, 1);

        SegmentationMetrics m = matrix.Compute();

        m.PixelCount.Should().Be(8);
        m.PixelAccuracy.Should().BeApproximately(6.0 / 8, 1e-12);
        m.MeanAccuracy.Should().BeApproximately(((3.0 / 4) + 1 + 0.5) / 3, 1e-12);
        m.IoU.Should().Equal([3.0 / 4, 2.0 / 4, 1.0 / 2], (a, b) => Math.Abs(a - b) < 1e-12);
        m.MeanIoU.Should().BeApproximately((0.75 + 0.5 + 0.5) / 3, 1e-12);
        m.Dice[1].Should().BeApproximately(4.0 / 6, 1e-12);
    }

    [Fact]
    public void Compute_ClassAbsentFromTargetAndPrediction_IsNaNAndExcludedFromMeans()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0, 5);
        matrix.Add(1, 1, 5);

        SegmentationMetrics m = matrix.Compute();

        double.IsNaN(m.IoU[2]).Should().BeTrue();
        double.IsNaN(m.Dice[2]).Should().BeTrue();
        m.MeanIoU.Should().Be(1.0);
        m.MeanAccuracy.Should().Be(1.0);
    }

    [Fact]
    public void Compute_ClassOnlyPredicted_HasZeroIoU()
    {
        var matrix = new ConfusionMatrix(3);
        matrix.Add(0, 0, 2);
        matrix.Add(0, 2, 2);

        SegmentationMetrics m = matrix.Compute();

        m.IoU[2].Should().Be(0, "a false-positive-only class is present in the prediction");
        m.MeanIoU.Should().BeApproximately(0.25, 1e-12);
    }

    [Fact]
    public void Update_IgnoredPixels_CountNowhere()
    {
        var matrix = new ConfusionMatrix(2, ignoreIndex: 255);
        using Tensor predictions = tensor(new long[] { 0, 1, 1, 0 });
        using Tensor targets = tensor(new long[] { 0, 1, 255, 255 });

        matrix.Update(predictions, targets);

        matrix.Compute().PixelCount.Should().Be(2);
        matrix[0, 0].Should().Be(1);
        matrix[1, 1].Should().Be(1);
    }

    [Fact]
    public void Update_AccumulatesOverBatches()
    {
        var matrix = new ConfusionMatrix(2);
        using Tensor p = tensor(new long[] { 0, 1 });
        using Tensor t = tensor(new long[] { 1, 1 });

        matrix.Update(p, t);
        matrix.Update(p, t);

        matrix[1, 0].Should().Be(2);
        matrix[1, 1].Should().Be(2);
    }

    [Fact]
    public void Update_PredictionOutOfRange_ThrowsWithValues()
    {
        var matrix = new ConfusionMatrix(2);
        using Tensor p = tensor(new long[] { 0, 5 });
        using Tensor t = tensor(new long[] { 0, 1 });

        Action update = () => matrix.Update(p, t);

        update.Should().Throw<ArgumentException>().WithMessage("*prediction*[0, 2)*0 to 5*");
    }

    [Fact]
    public void Compute_Empty_IsNaN()
    {
        SegmentationMetrics m = new ConfusionMatrix(2).Compute();

        double.IsNaN(m.PixelAccuracy).Should().BeTrue();
        double.IsNaN(m.MeanIoU).Should().BeTrue();
    }

    [Fact]
    public void Update_FloatPredictions_ThrowsNamingTheDtypeInsteadOfTruncating()
    {
        var matrix = new ConfusionMatrix(3);
        using Tensor p = tensor(FractionalPredictions);
        using Tensor t = tensor(new long[] { 1, 0 });

        Action update = () => matrix.Update(p, t);

        update.Should().Throw<ArgumentException>().WithMessage("*predictions*integer*Float32*").Which.ParamName.Should().Be("predictions");
        matrix[1, 1].Should().Be(0, "nothing may be counted from a rejected batch");
    }

    [Fact]
    public void Update_DoubleTargets_ThrowsNamingTheDtype()
    {
        var matrix = new ConfusionMatrix(3);
        using Tensor p = tensor(new long[] { 1, 0 });
        using Tensor t = tensor(new double[] { 1, 0 });

        Action update = () => matrix.Update(p, t);

        update.Should().Throw<ArgumentException>().WithMessage("*targets*Float64*").Which.ParamName.Should().Be("targets");
    }

    [Fact]
    public void Update_BoolAndInt32Tensors_CountAsClasses()
    {
        var matrix = new ConfusionMatrix(2);
        using Tensor p = tensor(BoolPredictions);
        using Tensor t = tensor(Int32Targets);

        matrix.Update(p, t);

        matrix[1, 1].Should().Be(1);
        matrix[0, 0].Should().Be(1);
        matrix[0, 1].Should().Be(1);
    }
}
