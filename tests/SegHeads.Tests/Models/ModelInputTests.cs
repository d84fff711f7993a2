using SegHeads.Backbones;
using SegHeads.Models;
using static TorchSharp.torch;

namespace SegHeads.Tests.Models;

/// <summary>Bad input at the model boundary fails with a sentence, never NaN logits or a libtorch stack trace.</summary>
public sealed class ModelInputTests
{
    private static readonly EncoderDecoderOptions Small = new() { Depth = 2, BaseWidth = 4 };

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void ForwardAndPredict_NonFiniteImages_ThrowWithCountAndPosition(double value)
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 3, Small);
        using Tensor images = zeros(2, 3, 8, 8);
        images[1, 2, 3, 4] = tensor(value);

        foreach (Func<Tensor> call in new Func<Tensor>[] { () => model.forward(images), () => model.Predict(images), () => model.PredictProbabilities(images) })
        {
            call.Should().Throw<ArgumentException>().WithMessage("*1 NaN or infinite value*[1, 2, 3, 4]*");
        }
    }

    [Fact]
    public void Forward_Float64ImagesIntoFloat32Model_SaysHowToConvert()
    {
        using SegmentationModel model = SegmentationModel.Create("linear", 3, Small);
        using Tensor images = zeros([1, 3, 8, 8], dtype: float64);

        Action forward = () => model.forward(images);

        forward.Should().Throw<ArgumentException>().WithMessage("*parameters are Float32*images are Float64*images.to(Float32)*model.to(Float64)*");
    }

    [Fact]
    public void Forward_AfterDispose_ThrowsObjectDisposed()
    {
        SegmentationModel model = SegmentationModel.Create("linear", 3, Small);
        using Tensor images = zeros(1, 3, 8, 8);
        model.Dispose();

        Action forward = () => model.forward(images);

        forward.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void FromLogits_Binary_DefaultThresholdIsLogitAboveZero()
    {
        using Tensor logits = tensor(new float[] { -1f, -1e-8f, 0f, 1e-8f, 3f }).view(1, 1, 1, 5);

        using Tensor mask = Masks.FromLogits(logits);

        mask.data<long>().ToArray().Should().Equal(0, 0, 0, 1, 1);
    }

    [Fact]
    public void FromLogits_BinaryThreshold_MatchesSigmoidAboveThreshold()
    {
        using Tensor logits = linspace(-4, 4, 81).view(1, 1, 9, 9);

        using Tensor mask = Masks.FromLogits(logits, 0.8);
        using Tensor expected = logits.sigmoid().gt(0.8).squeeze(1).to(int64);

        mask.equal(expected).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void FromLogits_ThresholdOutsideOpenInterval_Throws(double threshold)
    {
        using Tensor logits = zeros(1, 1, 2, 2);

        Action mask = () => Masks.FromLogits(logits, threshold);

        mask.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*(0, 1)*");
    }
}
