using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

public sealed class WeightedLossSumTests
{
    private static Tensor Logits() => tensor(new double[] { 0.2, -1, 1.5, 0.3, 0.9, -0.4 }, [1, 3, 1, 2], requires_grad: true);

    private static Tensor Masks() => tensor(new long[] { 2, 0 }, [1, 1, 2]);

    [Fact]
    public void Compute_EqualsWeightedSumOfParts()
    {
        var sum = new WeightedLossSum((1.0, new PixelCrossEntropy()), (0.5, new DiceLoss()));
        using Tensor logits = Logits();
        using Tensor masks = Masks();

        using Tensor value = sum.Compute(logits, masks);

        using Tensor ce = new PixelCrossEntropy().Compute(logits, masks);
        using Tensor dice = new DiceLoss().Compute(logits, masks);
        value.ToDouble().Should().BeApproximately(ce.ToDouble() + (0.5 * dice.ToDouble()), 1e-12);
        value.requires_grad.Should().BeTrue();
    }

    [Fact]
    public void Name_ComposesWeightsAndPartNames()
    {
        var sum = new WeightedLossSum((1.0, new PixelCrossEntropy()), (0.5, new DiceLoss()), (2.0, new FocalLoss()));

        sum.Name.Should().Be("1*cross-entropy + 0.5*dice + 2*focal");
    }

    [Fact]
    public void Constructor_DifferentIgnoreIndices_ThrowsNamingBoth()
    {
        Action create = () => _ = new WeightedLossSum(
            (1.0, new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = 255 })),
            (1.0, new DiceLoss()));

        create.Should().Throw<ArgumentException>().WithMessage("*'cross-entropy' ignores 255*'dice'*ignores -100*");
    }

    [Fact]
    public void IgnoreIndex_IsThePartsSharedValue()
    {
        var sum = new WeightedLossSum((1.0, new FocalLoss(new FocalOptions { IgnoreIndex = 255 })), (1.0, new DiceLoss(new DiceOptions { IgnoreIndex = 255 })));

        sum.IgnoreIndex.Should().Be(255);
    }

    [Fact]
    public void Constructor_NoParts_Throws()
    {
        Action create = () => _ = new WeightedLossSum();

        create.Should().Throw<ArgumentException>().WithMessage("*at least one*");
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    public void Constructor_BadWeight_ThrowsNamingIt(double weight)
    {
        Action create = () => _ = new WeightedLossSum((weight, new DiceLoss()));

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*'dice'*");
    }
}
