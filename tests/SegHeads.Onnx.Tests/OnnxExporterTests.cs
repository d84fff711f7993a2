using Xunit.Abstractions;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Onnx.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests;

public sealed class OnnxExporterTests(ITestOutputHelper output)
{
    // NOTE: float32 through a 3-level UNet and ORT's fused/NCHWc kernels reorders sums; 1e-5 of the
    // output scale is far above that rounding (~1e-6) and far below any wrong weight or padding.
    private const double Tolerance = 1e-5;

    private static readonly OnnxExportOptions AllOutputs = new() { Outputs = OnnxOutputs.Logits | OnnxOutputs.Probabilities | OnnxOutputs.Mask };

    /// <summary>Every example spec of the core's head kinds (kinds registered by test assemblies excluded).</summary>
    public static TheoryData<string> CoreHeadExamples()
    {
        var data = new TheoryData<string>();
        foreach (HeadSpec spec in HeadRegistry.Examples)
        {
            using SegmentationHead head = HeadFactory.Create(spec, 4, 2);
            if (head.GetType().Assembly == typeof(SegmentationModel).Assembly)
            {
                data.Add(spec.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CoreHeadExamples))]
    public void Export_EveryExampleHead_OrtMatchesEvalForwardAtTwoBatchesAndSizes(string headSpec)
    {
        using SegmentationModel model = TestModels.Create(headSpec);
        using var ort = new OrtModel(OnnxExporter.ToBytes(model, AllOutputs));

        foreach ((int n, int h, int w) in new[] { (1, 8, 8), (3, 8, 8), (1, 12, 20), (3, 12, 20) })
        {
            using var scope = NewDisposeScope();
            Tensor images = randn(n, 3, h, w);
            Tensor expected = TestModels.Reference(model, images);
            Dictionary<string, Tensor> actual = ort.Run(images);

            double error = TestModels.RelativeError(actual["logits"], expected);
            output.WriteLine($"{headSpec} [{n}, 3, {h}, {w}]: max |ORT - SegHeads| / max |SegHeads| = {error:E2}");
            error.Should().BeLessThan(Tolerance, $"logits of '{headSpec}' at [{n}, 3, {h}, {w}]");
            TestModels.RelativeError(actual["probabilities"], expected.softmax(1)).Should().BeLessThan(Tolerance);
            actual["mask"].dtype.Should().Be(ScalarType.Int64);
            actual["mask"].shape.Should().Equal(n, h, w);
        }
    }

    [Fact]
    public void Export_MaskOutput_EqualsPredictExceptAtNearTies()
    {
        using SegmentationModel model = TestModels.Create("stacked-linear:3-3-1@16+bn", numClasses: 4);
        using var ort = new OrtModel(OnnxExporter.ToBytes(model, new OnnxExportOptions { Outputs = OnnxOutputs.Mask }));
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, 16, 12);

        Tensor mask = ort.Run(images)["mask"];
        Tensor expected = model.Predict(images);
        Tensor top2 = TestModels.Reference(model, images).topk(2, 1).values;
        Tensor clear = (top2[.., 0] - top2[.., 1]).gt(1e-4);

        ort.OutputNames.Should().Equal("mask");
        mask.eq(expected).logical_or(clear.logical_not()).all().item<bool>().Should().BeTrue();
        clear.sum().item<long>().Should().BeGreaterThan(350, "almost every pixel has a clear winner");
    }

    [Fact]
    public void Export_BinaryModel_GivesSigmoidProbabilitiesAndThresholdMask()
    {
        using SegmentationModel model = TestModels.Create("linear", numClasses: 1);
        using var ort = new OrtModel(OnnxExporter.ToBytes(model, AllOutputs with { MaskThreshold = 0.7 }));
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, 8, 8);

        Dictionary<string, Tensor> actual = ort.Run(images);
        Tensor logits = TestModels.Reference(model, images);

        TestModels.RelativeError(actual["probabilities"], logits.sigmoid()).Should().BeLessThan(Tolerance);
        actual["mask"].shape.Should().Equal(2, 8, 8);
        actual["mask"].eq(model.Predict(images, threshold: 0.7)).all().item<bool>().Should().BeTrue();
    }

    [Theory]
    [InlineData(7, 10)]
    [InlineData(13, 5)]
    [InlineData(1, 1)]
    public void Export_PadAndCrop_MatchesForSizesNotDivisibleByTheDivisor(int h, int w)
    {
        using SegmentationModel model = TestModels.Create("stacked-linear:3-3-1@16+bn+pad-once", sizePolicy: SizePolicy.PadAndCrop);
        using var ort = new OrtModel(OnnxExporter.ToBytes(model));
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, h, w);

        Tensor logits = ort.Run(images)["logits"];

        logits.shape.Should().Equal(2, 3, h, w);
        TestModels.RelativeError(logits, TestModels.Reference(model, images)).Should().BeLessThan(Tolerance);
    }

    [Fact]
    public void Export_ToFileAndStream_WritesTheSameModel()
    {
        using SegmentationModel model = TestModels.Create("linear");
        string path = Path.Combine(Path.GetTempPath(), $"segheads-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.Export(model, path);
            using var stream = new MemoryStream();
            OnnxExporter.Export(model, stream, null);

            File.ReadAllBytes(path).Should().Equal(stream.ToArray());
            File.Exists(path + ".tmp").Should().BeFalse();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Export_LeavesTheModelsModeAndWeightsUntouched()
    {
        using SegmentationModel model = TestModels.Create("stacked-linear:3-3-1@16+bn");
        model.train();
        using var scope = NewDisposeScope();
        Tensor before = model.state_dict()["backbone.encoders.0.0.conv.weight"].clone();

        OnnxExporter.ToBytes(model);

        model.training.Should().BeTrue();
        model.state_dict().Should().ContainKey("backbone.encoders.0.0.norm.running_mean");
        model.state_dict()["backbone.encoders.0.0.conv.weight"].equal(before).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Export_DeclaresDynamicBatchAndSpatialAxesAndTheModelMetadata()
    {
        using SegmentationModel model = TestModels.Create("linear", sizePolicy: SizePolicy.PadAndCrop);
        using var ort = new OrtModel(OnnxExporter.ToBytes(model, AllOutputs));

        ort.Session.InputMetadata["images"].SymbolicDimensions.Should().Equal("batch", "", "height", "width");
        ort.Session.InputMetadata["images"].Dimensions.Should().Equal(-1, 3, -1, -1);
        ort.Session.OutputMetadata["mask"].SymbolicDimensions.Should().Equal("batch", "height", "width");
        ort.OutputNames.Should().Equal("logits", "probabilities", "mask");
        ort.Session.ModelMetadata.CustomMetadataMap.Should().Contain("segheads.size_divisor", "4").And.Contain("segheads.head", "linear");
    }

    [Fact]
    public void Export_DeployedModel_MatchesTheOriginalsForward()
    {
        using SegmentationModel model = TestModels.Create("stacked-linear:3-3-1@16+bn+pad-once");
        using SegmentationModel deployed = model.ToDeployed();
        using var ort = new OrtModel(OnnxExporter.ToBytes(deployed));
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, 12, 8);

        TestModels.RelativeError(ort.Run(images)["logits"], TestModels.Reference(model, images)).Should().BeLessThan(Tolerance);
    }
}
