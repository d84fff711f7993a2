using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

public sealed class PixelCrossEntropyTests
{
    // Two pixels: logits (0, ln 3) with label 1 → −log(3/4); logits (0, 0) with label 0 → log 2.
    private static Tensor Logits() => tensor(new double[] { 0, 0, Math.Log(3), 0 }, [1, 2, 1, 2], requires_grad: true);

    private static Tensor Masks(long first, long second) => tensor(new long[] { first, second }, [1, 1, 2]);

    [Fact]
    public void Compute_TwoPixels_EqualsHandComputedMean()
    {
        using Tensor loss = PixelCrossEntropy.Compute(Logits(), Masks(1, 0));

        loss.ToDouble().Should().BeApproximately((Math.Log(4.0 / 3) + Math.Log(2)) / 2, 1e-12);
    }

    [Fact]
    public void Compute_IgnoredPixel_CountsNowhere()
    {
        using Tensor loss = PixelCrossEntropy.Compute(Logits(), Masks(1, 255), new CrossEntropyOptions { IgnoreIndex = 255 });

        loss.ToDouble().Should().BeApproximately(Math.Log(4.0 / 3), 1e-12);
    }

    [Fact]
    public void Compute_IgnoreIndexThatIsAClass_IgnoresThatClass()
    {
        // An ignore index inside [0, K) must not take the all-labels-valid shortcut.
        using Tensor loss = PixelCrossEntropy.Compute(Logits(), Masks(1, 0), new CrossEntropyOptions { IgnoreIndex = 0 });

        loss.ToDouble().Should().BeApproximately(Math.Log(4.0 / 3), 1e-12);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(2)]
    public void Compute_LabelOutsideClassesWithoutIgnoredPixels_Throws(long label)
    {
        Action compute = () => PixelCrossEntropy.Compute(Logits(), Masks(label, 1));

        compute.Should().Throw<ArgumentException>().WithMessage($"*[0, 2)*{label}*");
    }

    [Fact]
    public void Compute_ClassWeights_GiveWeightedMeanAsPyTorch()
    {
        using Tensor loss = PixelCrossEntropy.Compute(Logits(), Masks(1, 0), new CrossEntropyOptions { ClassWeights = [1.0, 3.0] });

        loss.ToDouble().Should().BeApproximately(((3 * Math.Log(4.0 / 3)) + Math.Log(2)) / 4, 1e-12);
    }

    [Fact]
    public void Compute_AllPixelsIgnored_IsZeroAndDifferentiable()
    {
        Tensor logits = Logits();

        using Tensor loss = PixelCrossEntropy.Compute(logits, Masks(-100, -100));
        loss.backward();

        loss.ToDouble().Should().Be(0);
        using Tensor? grad = logits.grad;
        grad!.abs().sum().ToDouble().Should().Be(0);
    }

    [Fact]
    public void Compute_BinarySingleLogit_EqualsHandComputedBce()
    {
        // z = 0, y = 1 → log 2; z = ln 3, y = 0 → −log(1 − 3/4) = log 4.
        using Tensor logits = tensor(new double[] { 0, Math.Log(3) }, [1, 1, 1, 2]);

        using Tensor loss = PixelCrossEntropy.Compute(logits, Masks(1, 0));

        loss.ToDouble().Should().BeApproximately((Math.Log(2) + Math.Log(4)) / 2, 1e-12);
    }

    [Fact]
    public void Compute_BinaryLogitEqualsTwoClassSoftmaxOfLogitDifference()
    {
        var generator = new Generator(3);
        using Tensor two = randn([2, 2, 4, 4], dtype: float64, generator: generator);
        using Tensor masks = randint(0, 2, [2, 4, 4], generator: generator);
        using Tensor one = (two[.., 1] - two[.., 0]).unsqueeze(1);

        using Tensor softmax = PixelCrossEntropy.Compute(two, masks);
        using Tensor binary = PixelCrossEntropy.Compute(one, masks);

        binary.ToDouble().Should().BeApproximately(softmax.ToDouble(), 1e-12);
    }

    [Fact]
    public void Compute_ShapeMismatch_ThrowsNamingBothShapes()
    {
        using Tensor logits = zeros(2, 3, 4, 4);
        using Tensor masks = zeros([2, 4, 5], dtype: ScalarType.Int64);

        Action compute = () => PixelCrossEntropy.Compute(logits, masks);

        compute.Should().Throw<ArgumentException>().WithMessage("*[2, 4, 4]*[2, 3, 4, 4]*[2, 4, 5]*");
    }

    [Fact]
    public void Compute_LabelOutOfRange_ThrowsNamingTheLabel()
    {
        using Tensor logits = zeros(1, 3, 1, 2);
        using Tensor masks = tensor(new long[] { 1, 7 }, [1, 1, 2]);

        Action compute = () => PixelCrossEntropy.Compute(logits, masks);

        compute.Should().Throw<ArgumentException>().WithMessage("*[0, 3)*ignore index -100*1 pixel(s)*e.g. 7*");
    }

    [Fact]
    public void Compute_FloatMask_ThrowsNamingDtype()
    {
        using Tensor logits = zeros(1, 3, 1, 2);
        using Tensor masks = zeros(1, 1, 2);

        Action compute = () => PixelCrossEntropy.Compute(logits, masks);

        compute.Should().Throw<ArgumentException>().WithMessage("*integer*Float32*");
    }

    [Fact]
    public void Compute_WrongNumberOfClassWeights_ThrowsWithCounts()
    {
        using Tensor logits = zeros(1, 3, 1, 2);
        using Tensor masks = zeros([1, 1, 2], dtype: ScalarType.Int64);

        Action compute = () => PixelCrossEntropy.Compute(logits, masks, new CrossEntropyOptions { ClassWeights = [1, 2] });

        compute.Should().Throw<ArgumentException>().WithMessage("*(3)*has 2*");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Compute_ThroughTheLossSeam_IsBitIdenticalToTheStaticForm(int classes)
    {
        var generator = new Generator(11);
        using Tensor logits = randn([2, classes, 5, 5], generator: generator);
        using Tensor masks = randint(0, Math.Max(classes, 2), [2, 5, 5], generator: generator);
        masks[0, 0, 0] = tensor(255L);
        var options = new CrossEntropyOptions { IgnoreIndex = 255, ClassWeights = classes == 1 ? [1.0, 2.0] : [1.0, 2.0, 0.5, 3.0] };
        var loss = new PixelCrossEntropy(options);

        using Tensor viaSeam = new TrainerOptions { Loss = loss }.Loss.Compute(logits, masks);
        using Tensor direct = PixelCrossEntropy.Compute(logits, masks, options);

        viaSeam.ToSingle().Should().Be(direct.ToSingle());
        loss.IgnoreIndex.Should().Be(255);
        loss.Name.Should().Be("cross-entropy");
    }

    [Fact]
    public void Constructor_NegativeClassWeight_ThrowsNamingTheWeight()
    {
        Action create = () => _ = new PixelCrossEntropy(new CrossEntropyOptions { ClassWeights = [1, -2] });

        create.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*Class weight 1*-2*");
    }

    [Fact]
    public void Compute_IntegerLogits_ThrowsNamingTheDtype()
    {
        using Tensor logits = zeros([1, 3, 2, 2], dtype: ScalarType.Int64);
        using Tensor masks = zeros([1, 2, 2], dtype: ScalarType.Int64);

        Action compute = () => PixelCrossEntropy.Compute(logits, masks);

        compute.Should().Throw<ArgumentException>().WithMessage("*floating point*Int64*");
    }
}
