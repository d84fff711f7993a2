using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

public sealed class FocalLossTests
{
    private static Tensor Masks(params long[] labels) => tensor(labels, [1, 1, labels.Length]);

    [Fact]
    public void Compute_BinaryTwoPixels_EqualsHandComputedMean()
    {
        // pixel 0: logit 0, label 0 → BCE ln 2, p_t 1/2; pixel 1: logit ln 3, label 1 → BCE ln(4/3), p_t 3/4.
        using Tensor logits = tensor(new double[] { 0, Math.Log(3) }, [1, 1, 1, 2]);

        using Tensor loss = new FocalLoss().Compute(logits, Masks(0, 1));

        double expected = ((0.25 * Math.Log(2)) + (0.0625 * Math.Log(4.0 / 3))) / 2;
        loss.ToDouble().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Compute_Alpha_WeighsPositivesAndNegatives()
    {
        using Tensor logits = tensor(new double[] { 0, Math.Log(3) }, [1, 1, 1, 2]);

        using Tensor loss = new FocalLoss(new FocalOptions { Alpha = 0.25 }).Compute(logits, Masks(0, 1));

        double expected = ((0.75 * 0.25 * Math.Log(2)) + (0.25 * 0.0625 * Math.Log(4.0 / 3))) / 2;
        loss.ToDouble().Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Compute_MulticlassGammaZero_IsSumOfOneVsRestBinaryCrossEntropies()
    {
        // smp's multiclass focal is sigmoid one-vs-rest per channel, summed over classes.
        using Tensor logits = tensor(new double[] { 0.5, -1, 2, 0.3, -0.7, 1.1 }, [1, 3, 1, 2]);
        using Tensor masks = Masks(2, 0);

        using Tensor loss = new FocalLoss(new FocalOptions { Gamma = 0 }).Compute(logits, masks);

        using Tensor oneHot = nn.functional.one_hot(masks, 3).permute(0, 3, 1, 2).to(float64);
        using Tensor perClass = nn.functional.binary_cross_entropy_with_logits(logits, oneHot, reduction: nn.Reduction.None).mean([0, 2, 3]);
        loss.ToDouble().Should().BeApproximately(perClass.sum().ToDouble(), 1e-12);
    }

    [Fact]
    public void Compute_IgnoredPixel_CountsNowhere()
    {
        using Tensor logits = tensor(new double[] { 0, Math.Log(3), 5 }, [1, 1, 1, 3], requires_grad: true);

        using Tensor loss = new FocalLoss(new FocalOptions { IgnoreIndex = 255 }).Compute(logits, Masks(0, 1, 255));
        loss.backward();

        double expected = ((0.25 * Math.Log(2)) + (0.0625 * Math.Log(4.0 / 3))) / 2;
        loss.ToDouble().Should().BeApproximately(expected, 1e-12);
        using Tensor grad = logits.grad!;
        grad[0, 0, 0, 2].ToDouble().Should().Be(0);
    }

    [Fact]
    public void Compute_AllPixelsIgnored_IsZeroAndDifferentiable()
    {
        // NOTE: smp returns NaN here (mean of nothing); a NaN would stop the trainer, so 0 instead.
        using Tensor logits = zeros([1, 3, 1, 2], dtype: float64, requires_grad: true);

        using Tensor loss = new FocalLoss(new FocalOptions { IgnoreIndex = 9 }).Compute(logits, Masks(9, 9));
        loss.backward();

        loss.ToDouble().Should().Be(0);
        using Tensor grad = logits.grad!;
        grad.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Compute_ReducedThreshold_KeepsFullWeightBelowIt()
    {
        // p_t = 1/4 < 1/2: focal term 1, so the loss is the plain BCE ln 4.
        using Tensor logits = tensor(new double[] { Math.Log(3) }, [1, 1, 1, 1]);

        using Tensor loss = new FocalLoss(new FocalOptions { ReducedThreshold = 0.5 }).Compute(logits, Masks(0));

        loss.ToDouble().Should().BeApproximately(Math.Log(4), 1e-12);
    }

    [Theory]
    [InlineData(-1.0, null, null)]
    [InlineData(2.0, 1.5, null)]
    [InlineData(2.0, null, 0.0)]
    public void Options_OutOfRange_Throw(double gamma, double? alpha, double? threshold)
    {
        Action create = () => _ = new FocalLoss(new FocalOptions { Gamma = gamma, Alpha = alpha, ReducedThreshold = threshold });

        create.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Compute_FloatMasks_ThrowsNamingDtype()
    {
        using Tensor logits = zeros(1, 2, 1, 2);
        using Tensor masks = zeros(1, 1, 2);

        Action compute = () => new FocalLoss().Compute(logits, masks).Dispose();

        compute.Should().Throw<ArgumentException>().WithMessage("*integer*Float32*");
    }
}
