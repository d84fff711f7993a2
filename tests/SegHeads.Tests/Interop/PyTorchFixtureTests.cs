using SegHeads.Interop;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegHeads.Tests.Interop;

/// <summary>
/// PyTorch → SegHeads without Python: weights, inputs and eval logits written by PyTorch 1.13 from
/// interop/pytorch/segheads.py (make_fixture.py; BN/GN statistics and affine parameters randomised).
/// </summary>
[Collection(NonParallelGroup.Name)]
public sealed class PyTorchFixtureTests
{
    public static TheoryData<string> Cases() =>
    [
        "stacked-bn-pad-once", "branched-bn-pad-each-f64", "activated-gn-pad-and-crop", "branched-valid-no-norm", "linear",
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoadModel_PyTorchWeights_ReproducesPyTorchEvalLogits(string name)
    {
        using SegmentationModel model = SegmentationModelWeights.LoadModel(Fixture($"{name}.weights.safetensors"));
        using SafetensorsFile io = Safetensors.Read(Fixture($"{name}.io.safetensors"));
        Tensor expected = io["logits"];

        model.eval();
        using Tensor actual = model.forward(io["input"]);

        actual.dtype.Should().Be(expected.dtype);
        actual.shape.Should().Equal(expected.shape);
        // NOTE: different conv algorithms (oneDNN channels-last here, PyTorch 1.13's default there)
        // sum in different orders: float32 agrees to ~1e-6 of the logits' scale, float64 to ~1e-14.
        double tolerance = (expected.dtype == ScalarType.Float64 ? 1e-10 : 1e-5) * Math.Max(1, TensorAssert.MaxAbs(expected));
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(tolerance);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PyTorchFile_ListsTheKeysInTheOrderSegHeadsSaves(string name)
    {
        string path = Fixture($"{name}.weights.safetensors");
        using SegmentationModel model = SegmentationModelWeights.LoadModel(path);
        using SafetensorsFile file = Safetensors.Read(path);

        file.Names.Should().Equal(ModelWeights.Keys(model), "PyTorch's state_dict() order is the order SegHeads writes");
    }

    [Fact]
    public void LoadModel_PyTorchWeights_KeepTheirBatchNormCounts()
    {
        string path = Fixture("stacked-bn-pad-once.weights.safetensors");
        using SegmentationModel model = SegmentationModelWeights.LoadModel(path);
        using SafetensorsFile file = Safetensors.Read(path);

        long count = model.state_dict()["head.layers.0.norm.num_batches_tracked"].item<long>();

        count.Should().Be(file["head.layers.0.norm.num_batches_tracked"].item<long>()).And.BeGreaterThan(0);
    }

    private static string Fixture(string file) => Path.Combine(AppContext.BaseDirectory, "Interop", "Fixtures", file);
}
