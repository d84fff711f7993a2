using SegHeads.Backbones;
using SegHeads.Heads;
using SegHeads.Inference;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Inference;

public sealed class TiledPredictorTests
{
    private static readonly EncoderDecoderOptions Unet = new() { Depth = 3, BaseWidth = 4 };

    /// <summary>A head alone on the pixels: <paramref name="spec"/> decides how far its output depends on neighbours.</summary>
    private static SegmentationModel HeadOnly(string spec, int classes = 3, long seed = 0)
    {
        manual_seed(seed);
        return new SegmentationModel(new IdentityBackbone(3), HeadFactory.Create(spec, 3, classes));
    }

    private static SegmentationModel UNet(SizePolicy policy = SizePolicy.Strict, int classes = 3)
    {
        manual_seed(1);
        return SegmentationModel.Create("stacked-linear:3-1@8+bn", classes, Unet, policy);
    }

    private static Tensor Forward(SegmentationModel model, Tensor images)
    {
        using (model.BeginInference())
        {
            return model.forward(images);
        }
    }

    [Theory]
    [InlineData(TileBlending.Uniform)]
    [InlineData(TileBlending.Gaussian)]
    public void PredictLogits_OneWindowCoversTheImage_EqualsWholeImageForward(TileBlending blending)
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(2, 3, 16, 24);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 24, StrideHeight = 8, StrideWidth = 8, Blending = blending });

        using Tensor tiled = predictor.PredictLogits(images);

        using Tensor whole = Forward(model, images);
        TensorAssert.Shape(tiled).Should().Equal(2, 3, 16, 24);
        TensorAssert.MaxAbsDiff(tiled, whole).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void PredictLogits_ConstantImage_HasNoSeamsAcrossTileBoundaries()
    {
        // A per-pixel head gives a constant output on a constant input, so any seam would come from blending.
        using SegmentationModel model = HeadOnly("linear");
        using Tensor images = full(1, 3, 45, 38, 0.7f);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 11, StrideWidth = 7 });

        using Tensor logits = predictor.PredictLogits(images);

        using Tensor centre = logits[.., .., 22, 19].reshape(1, 3, 1, 1);
        TensorAssert.MaxAbsDiff(logits, centre.expand_as(logits)).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void PredictLogits_UniformOverlap_IsTheMeanOfTheWindowOutputs()
    {
        // A 3x3 conv with zero padding: its output at a pixel depends on where the window's border is,
        // so the two windows disagree in their overlap and the blend must be their mean.
        using SegmentationModel model = HeadOnly("stacked-linear:3-1@4");
        using Tensor images = randn(1, 3, 8, 12);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 8, WindowWidth = 8, StrideHeight = 8, StrideWidth = 4, Blending = TileBlending.Uniform });

        using Tensor tiled = predictor.PredictLogits(images);

        using Tensor left = Forward(model, images[.., .., .., ..8]);
        using Tensor right = Forward(model, images[.., .., .., 4..]);
        using Tensor expected = cat([left[.., .., .., ..4], (left[.., .., .., 4..] + right[.., .., .., ..4]) / 2, right[.., .., .., 4..]], 3);
        TensorAssert.MaxAbsDiff(left[.., .., .., 4..], right[.., .., .., ..4]).Should().BeGreaterThan(1e-3, "the windows must disagree for the test to mean anything");
        TensorAssert.MaxAbsDiff(tiled, expected).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void PredictLogits_GaussianOverlap_FavoursTheWindowWhoseCentreIsNearer()
    {
        using SegmentationModel model = HeadOnly("stacked-linear:3-1@4");
        using Tensor images = randn(1, 3, 8, 12);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 8, WindowWidth = 8, StrideHeight = 8, StrideWidth = 4 });

        using Tensor tiled = predictor.PredictLogits(images);

        // Column 4 is 2.5 from the left window's centre (3.5) and 3.5 from the right one's (7.5).
        using Tensor left = Forward(model, images[.., .., .., ..8]);
        using Tensor right = Forward(model, images[.., .., .., 4..]);
        double sigma = 8 * 0.125;
        double wl = Math.Exp(-(0.5 * 0.5) / (2 * sigma * sigma));
        double wr = Math.Exp(-(3.5 * 3.5) / (2 * sigma * sigma));
        using Tensor expected = ((left[.., .., .., 4] * wl) + (right[.., .., .., 0] * wr)) / (wl + wr);
        TensorAssert.MaxAbsDiff(tiled[.., .., .., 4], expected).Should().BeLessThan(1e-5);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 7)]
    [InlineData(21, 27)]
    [InlineData(40, 17)]
    public void PredictLogits_AnyImageSize_ReturnsThatSizeFromAStrictModel(int h, int w)
    {
        // The UNet's divisor is 4: windows of 16 are valid, the image sizes mostly are not.
        using SegmentationModel model = UNet();
        using Tensor images = randn(1, 3, h, w);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 8, StrideWidth = 8 });

        using Tensor logits = predictor.PredictLogits(images);

        TensorAssert.Shape(logits).Should().Equal(1, 3, h, w);
        logits.isfinite().all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void PredictLogits_ImageSmallerThanWindow_EqualsForwardOfThePaddedImageCropped()
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(1, 3, 5, 7);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 16, StrideWidth = 16, Padding = TilePadding.Replicate });

        using Tensor tiled = predictor.PredictLogits(images);

        using Tensor padded = nn.functional.pad(images, [0, 9, 0, 11], PaddingModes.Replicate);
        using Tensor whole = Forward(model, padded);
        TensorAssert.MaxAbsDiff(tiled, whole[.., .., ..5, ..7]).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Constructor_WindowNotAMultipleOfTheDivisorOnAStrictModel_ThrowsNamingBoth()
    {
        using SegmentationModel model = UNet();

        Action create = () => _ = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 10, WindowWidth = 16, StrideHeight = 5, StrideWidth = 8 });

        create.Should().Throw<ArgumentException>().WithMessage("*10x16*divisor 4*12x16*PadAndCrop*");
    }

    [Fact]
    public void PredictLogits_PadAndCropModelWithAnOddWindow_EqualsWholeForwardWhereOneWindowCovers()
    {
        using SegmentationModel model = UNet(SizePolicy.PadAndCrop);
        using Tensor images = randn(1, 3, 10, 13);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 10, WindowWidth = 13, StrideHeight = 5, StrideWidth = 5 });

        using Tensor tiled = predictor.PredictLogits(images);

        using Tensor whole = Forward(model, images);
        TensorAssert.MaxAbsDiff(tiled, whole).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void PredictLogits_TilesPerBatch_DoesNotChangeTheResult()
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(2, 3, 29, 35);
        var options = new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 6, StrideWidth = 10, TilesPerBatch = 1 };

        using Tensor one = new TiledPredictor(model, options).PredictLogits(images);
        using Tensor seven = new TiledPredictor(model, options with { TilesPerBatch = 7 }).PredictLogits(images);

        TensorAssert.MaxAbsDiff(one, seven).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void PredictLogits_Batch_EqualsEachImageAlone()
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(2, 3, 20, 20);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 12, WindowWidth = 12, StrideHeight = 8, StrideWidth = 8 });

        using Tensor both = predictor.PredictLogits(images);
        using Tensor second = predictor.PredictLogits(images[1..]);

        TensorAssert.MaxAbsDiff(both[1..], second).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void Predict_RestoresTrainingModeAndTracksNoGradient()
    {
        using SegmentationModel model = UNet();
        model.train();
        using Tensor images = randn(1, 3, 20, 20);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 8, StrideWidth = 8 });

        using Tensor logits = predictor.PredictLogits(images);

        model.training.Should().BeTrue();
        logits.requires_grad.Should().BeFalse();
    }

    [Fact]
    public void PredictAndProbabilities_FollowTheBlendedLogits()
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(1, 3, 20, 20);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 8, StrideWidth = 8 });

        using Tensor logits = predictor.PredictLogits(images);
        using Tensor probabilities = predictor.PredictProbabilities(images);
        using Tensor mask = predictor.Predict(images);

        using Tensor softmax = logits.softmax(1);
        TensorAssert.MaxAbsDiff(probabilities, softmax).Should().BeLessThan(1e-6);
        using Tensor argmax = logits.argmax(1);
        mask.eq(argmax).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Predict_BinaryModel_UsesSigmoidAndThreshold()
    {
        using SegmentationModel model = UNet(classes: 1);
        using Tensor images = randn(1, 3, 20, 20);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 8, StrideWidth = 8 });

        using Tensor logits = predictor.PredictLogits(images);
        using Tensor probabilities = predictor.PredictProbabilities(images);
        using Tensor mask = predictor.Predict(images, threshold: 0.5);

        using Tensor sigmoid = logits.sigmoid();
        TensorAssert.MaxAbsDiff(probabilities, sigmoid).Should().BeLessThan(1e-6);
        using Tensor expected = logits.squeeze(1).gt(0).to(int64);
        mask.eq(expected).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void PredictLogits_WrongChannelCount_ThrowsWithShape()
    {
        using SegmentationModel model = UNet();
        using Tensor images = randn(1, 4, 20, 20);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 8, StrideWidth = 8 });

        Action predict = () => predictor.PredictLogits(images).Dispose();

        predict.Should().Throw<ArgumentException>().WithMessage("*3 input channels*[1, 4, 20, 20]*");
    }
}
