using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

public sealed class DiceLossTests
{
    // Two pixels: logits (0, 0) and (0, ln 3) give softmax (1/2, 1/2) and (1/4, 3/4).
    private static Tensor TwoClassLogits() => tensor(new double[] { 0, 0, 0, Math.Log(3) }, [1, 2, 1, 2], requires_grad: true);

    private static Tensor Masks(params long[] labels) => tensor(labels, [1, 1, labels.Length]);

    [Fact]
    public void Compute_TwoClassesTwoPixels_EqualsHandComputedMean()
    {
        // class 0: (2·1/2) / (1/2 + 1/4 + 1) = 4/7; class 1: (2·3/4) / (1/2 + 3/4 + 1) = 2/3.
        using Tensor loss = new DiceLoss().Compute(TwoClassLogits(), Masks(0, 1));

        loss.ToDouble().Should().BeApproximately(((1 - (4.0 / 7)) + (1 - (2.0 / 3))) / 2, 1e-12);
    }

    [Fact]
    public void Compute_BinaryTwoPixels_EqualsHandComputedScore()
    {
        // sigmoid(0) = 1/2, sigmoid(ln 3) = 3/4; labels (0, 1): (2·3/4) / (1/2 + 3/4 + 1) = 2/3.
        using Tensor logits = tensor(new double[] { 0, Math.Log(3) }, [1, 1, 1, 2]);

        using Tensor loss = new DiceLoss().Compute(logits, Masks(0, 1));

        loss.ToDouble().Should().BeApproximately(1.0 / 3, 1e-12);
    }

    [Fact]
    public void Compute_IgnoredPixel_CountsNowhere()
    {
        using Tensor logits = TwoClassLogits();
        var loss = new DiceLoss(new DiceOptions { IgnoreIndex = 255 });

        using Tensor value = loss.Compute(logits, Masks(255, 1));
        value.backward();

        // Only pixel 1 counts: class 0 absent (0), class 1: (2·3/4) / (3/4 + 1) = 6/7.
        value.ToDouble().Should().BeApproximately((1 - (6.0 / 7)) / 2, 1e-12);
        using Tensor grad = logits.grad!;
        grad[0, .., 0, 0].abs().max().ToDouble().Should().Be(0, "the ignored pixel has no influence");
    }

    [Fact]
    public void Compute_ClassAbsentFromTarget_ContributesZeroButCountsInTheMean()
    {
        using Tensor logits = TwoClassLogits();

        using Tensor loss = new DiceLoss().Compute(logits, Masks(1, 1));

        // class 0 absent → 0; class 1: (2·(1/2 + 3/4)) / (1/2 + 3/4 + 2) = 10/13; mean over both classes.
        loss.ToDouble().Should().BeApproximately((1 - (10.0 / 13)) / 2, 1e-12);
    }

    [Fact]
    public void Compute_SelectedClasses_AverageOnlyThose()
    {
        using Tensor logits = TwoClassLogits();

        using Tensor loss = new DiceLoss(new DiceOptions { Classes = [1] }).Compute(logits, Masks(0, 1));

        loss.ToDouble().Should().BeApproximately(1 - (2.0 / 3), 1e-12);
    }

    [Fact]
    public void Compute_AllPixelsIgnored_IsZeroAndDifferentiable()
    {
        using Tensor logits = TwoClassLogits();

        using Tensor loss = new DiceLoss(new DiceOptions { IgnoreIndex = 7 }).Compute(logits, Masks(7, 7));
        loss.backward();

        loss.ToDouble().Should().Be(0);
        using Tensor grad = logits.grad!;
        grad.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Compute_ClassesWithBinaryLogits_ThrowsNamingK()
    {
        using Tensor logits = zeros(1, 1, 1, 2);
        var loss = new DiceLoss(new DiceOptions { Classes = [0] });

        Action compute = () => loss.Compute(logits, Masks(0, 1)).Dispose();

        compute.Should().Throw<ArgumentException>().WithMessage("*K = 1*");
    }

    [Fact]
    public void Compute_ClassBeyondK_ThrowsNamingClassAndK()
    {
        var loss = new DiceLoss(new DiceOptions { Classes = [0, 5] });

        Action compute = () => loss.Compute(TwoClassLogits(), Masks(0, 1)).Dispose();

        compute.Should().Throw<ArgumentException>().WithMessage("*class 5*K = 2*");
    }

    [Fact]
    public void Compute_LabelOutOfRange_ThrowsNamingLabelAndRange()
    {
        Action compute = () => new DiceLoss().Compute(TwoClassLogits(), Masks(0, 3)).Dispose();

        compute.Should().Throw<ArgumentException>().WithMessage("*[0, 2)*-100*3*");
    }

    [Fact]
    public void Compute_MaskShapeMismatch_ThrowsWithBothShapes()
    {
        Action compute = () => new DiceLoss().Compute(TwoClassLogits(), tensor(new long[] { 0, 1, 1 }, [1, 1, 3])).Dispose();

        compute.Should().Throw<ArgumentException>().WithMessage("*[1, 1, 2]*[1, 2, 1, 2]*[1, 1, 3]*");
    }

    [Theory]
    [InlineData(-1.0, 1e-7)]
    [InlineData(0.0, 0.0)]
    public void Options_InvalidSmoothOrEpsilon_Throw(double smooth, double epsilon)
    {
        Action create = () => _ = new DiceLoss(new DiceOptions { Smooth = smooth, Epsilon = epsilon });

        create.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Options_DuplicateClass_ThrowsNamingIt()
    {
        Action create = () => _ = new DiceLoss(new DiceOptions { Classes = [2, 0, 2] });

        create.Should().Throw<ArgumentException>().WithMessage("*class 2*");
    }

    [Fact]
    public void Compute_ConfidentCorrectPrediction_IsNearZero()
    {
        using Tensor logits = tensor(new double[] { 20, -20, -20, 20 }, [1, 2, 1, 2]);

        using Tensor loss = new DiceLoss().Compute(logits, Masks(0, 1));

        loss.ToDouble().Should().BeLessThan(1e-8);
    }
}
