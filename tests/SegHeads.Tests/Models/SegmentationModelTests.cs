using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Models;

public sealed class SegmentationModelTests
{
    private static readonly EncoderDecoderOptions Small = new() { Depth = 2, BaseWidth = 8 };

    [Fact]
    public void Forward_GivesLogitsPerPixel()
    {
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-3-1@8", 4, Small);
        using Tensor x = randn(2, 3, 16, 12);

        using Tensor logits = model.forward(x);

        logits.shape.Should().Equal(2, 4, 16, 12);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Forward_ReturnsContiguousLogitsEqualToBackboneThenHead(ScalarType dtype)
    {
        // NOTE: float32 runs channels-last inside forward; the values match the plain NCHW
        // composition up to float rounding, and the caller still gets contiguous NCHW logits.
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-3-1@8+bn", 4, Small);
        model.to(dtype);
        model.eval();
        using Tensor x = randn(2, 3, 16, 12, dtype: dtype);

        using Tensor logits = model.forward(x);
        using Tensor features = model.Backbone.forward(x);
        using Tensor reference = model.Head.forward(features);

        logits.is_contiguous().Should().BeTrue();
        logits.stride().Should().Equal(4 * 16 * 12, 16 * 12, 12, 1);
        double tolerance = dtype == ScalarType.Float32 ? 1e-5 : 1e-12;
        TensorAssert.MaxAbsDiff(logits, reference).Should().BeLessThan(tolerance * Math.Max(1, TensorAssert.MaxAbs(reference)));
    }

    [Fact]
    public void Create_HeadChannelsMismatch_ThrowsWithBothCounts()
    {
        using var backbone = new EncoderDecoder(Small);
        using SegmentationHead head = HeadFactory.Create("linear", 5, 3);

        Action create = () => _ = new SegmentationModel(backbone, head);

        create.Should().Throw<ArgumentException>().WithMessage("*expects 5*produces 8*");
    }

    [Fact]
    public void Forward_StrictPolicyWithOddSize_ThrowsWithNextValidSize()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 2, Small);
        using Tensor x = randn(1, 3, 15, 16);

        Action forward = () => model.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*multiples of 2*[1, 3, 15, 16]*16x16*PadAndCrop*");
    }

    [Fact]
    public void Forward_PadAndCrop_ReturnsInputSizeAndMatchesPaddedRun()
    {
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-1@8", 2, Small, SizePolicy.PadAndCrop);
        model.eval();
        using Tensor x = randn(1, 3, 15, 13);
        using Tensor padded = nn.functional.pad(x, [0, 1, 0, 1]);

        using Tensor logits = model.forward(x);
        using Tensor reference = model.forward(padded);
        using Tensor cropped = reference[.., .., TensorIndex.Slice(0, 15), TensorIndex.Slice(0, 13)];

        logits.shape.Should().Equal(1, 2, 15, 13);
        TensorAssert.MaxAbsDiff(logits, cropped).Should().Be(0);
    }

    [Fact]
    public void PredictProbabilities_SoftmaxOverClasses_SumsToOneAndRestoresMode()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 3, Small);
        model.train();
        using Tensor x = randn(2, 3, 8, 8);

        using Tensor p = model.PredictProbabilities(x);
        using Tensor sums = p.sum(1);

        model.training.Should().BeTrue("Predict restores the previous mode");
        p.requires_grad.Should().BeFalse();
        TensorAssert.MaxAbsDiff(sums, ones_like(sums)).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Predict_MultiClass_IsArgmaxOfLogitsInEval()
    {
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-1@8", 3, Small);
        using Tensor x = randn(2, 3, 8, 8);
        model.eval();
        using Tensor logits = model.forward(x);
        using Tensor expected = logits.argmax(1);
        model.train();

        using Tensor mask = model.Predict(x);

        mask.shape.Should().Equal(2, 8, 8);
        mask.dtype.Should().Be(ScalarType.Int64);
        mask.eq(expected).all().item<bool>().Should().BeTrue();
        model.training.Should().BeTrue();
    }

    [Fact]
    public void Predict_BinarySingleLogit_ThresholdsSigmoid()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 1, Small);
        model.eval();
        using Tensor x = randn(2, 3, 8, 8);
        using Tensor logits = model.forward(x);

        using Tensor mask = model.Predict(x, threshold: 0.5);
        using Tensor probabilities = model.PredictProbabilities(x);

        mask.shape.Should().Equal(2, 8, 8);
        mask.eq(logits.squeeze(1).gt(0).to(ScalarType.Int64)).all().item<bool>().Should().BeTrue();
        TensorAssert.MaxAbsDiff(probabilities, logits.sigmoid()).Should().BeLessThan(1e-6);
    }

    [Theory]
    [InlineData("linear")]
    [InlineData("stacked-linear:3-3-1@8+pad-once")]
    [InlineData("stacked-linear:3-3-1@8+bn+pad-once")]
    [InlineData("stacked-linear:5-3-1@6+bn+pad-once")]
    [Trait("Category", "Equivalence")]
    public void ToDeployed_LinearHead_MatchesOriginalInEvalAndLeavesItUntouched(string spec)
    {
        using SegmentationModel model = SegmentationModel.Create(spec, 3, Small);
        HeadTestData.RandomizeBatchNorms(model.Head, new Generator(3));
        model.train();
        var before = model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());
        using Tensor x = randn(2, 3, 12, 8);

        using SegmentationModel deployed = model.ToDeployed();
        model.eval();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);

        deployed.training.Should().BeFalse();
        deployed.Head.Spec.Kernels.Should().ContainSingle().Which.Should().Be((2 * model.Head.ReceptiveRadius) + 1);
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-4 * Math.Max(1, TensorAssert.MaxAbs(expected)));
        foreach (var (key, value) in model.state_dict())
        {
            value.allclose(before[key], rtol: 0, atol: 0).Should().BeTrue($"{key} must be untouched by ToDeployed");
        }
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void ToDeployed_Float64PadEachHead_MatchesInInteriorOnly()
    {
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-3-1@8", 3, Small);
        model.to(float64);
        model.eval();
        using Tensor x = randn([1, 3, 10, 10], dtype: float64);

        using SegmentationModel deployed = model.ToDeployed();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);
        using Tensor interior = HeadTestData.Interior(10, 10, 1);

        TensorAssert.MaxAbsDiff(expected, actual, interior).Should().BeLessThan(1e-9);
        TensorAssert.MaxAbsDiff(expected, actual, interior.logical_not()).Should().BeGreaterThan(1e-6);
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void ToDeployed_ActivatedHead_KeepsTheHeadButFoldsItsBatchNorms()
    {
        using SegmentationModel model = SegmentationModel.Create("activated:3-1@8+bn", 3, Small);
        HeadTestData.RandomizeBatchNorms(model, new Generator(5));
        model.eval();
        using Tensor x = randn(2, 3, 8, 8);

        using SegmentationModel deployed = model.ToDeployed();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);

        deployed.Head.Should().BeOfType<ActivatedHead>();
        Fusion.BatchNormPaths(deployed).Should().BeEmpty();
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-5 * Math.Max(1, TensorAssert.MaxAbs(expected)));
    }
}
