using SegHeads.Inference;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Inference;

[Collection(NonParallelGroup.Name)]
public sealed class TiledPredictorMemoryTests
{
    [Theory]
    [InlineData(TileBlending.Uniform, 5, 7)]
    [InlineData(TileBlending.Gaussian, 29, 35)]
    public void PredictLogits_LeavesOnlyTheReturnedTensor(TileBlending blending, int h, int w)
    {
        using SegmentationModel model = SegmentationModel.Create("stacked-linear:3-1@8", 3, new() { Depth = 2, BaseWidth = 4 });
        using Tensor images = randn(2, 3, h, w);
        var predictor = new TiledPredictor(model, new TiledPredictorOptions { WindowHeight = 16, WindowWidth = 16, StrideHeight = 6, StrideWidth = 10, TilesPerBatch = 3, Blending = blending });
        using (predictor.PredictLogits(images))
        {
        }

        DisposeScopeManager.Statistics.Reset();

        using (Tensor logits = predictor.PredictLogits(images))
        using (Tensor mask = predictor.Predict(images))
        using (Tensor probabilities = predictor.PredictProbabilities(images))
        {
        }

        DisposeScopeManager.Statistics.ThreadTotalLiveCount.Should().Be(0);
    }
}
