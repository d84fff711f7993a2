using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Interop;
using SegHeads.Models;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Interop;

public sealed class ModelWeightsTests : IDisposable
{
    private static readonly EncoderDecoderOptions Small = new() { BaseWidth = 4, Depth = 2 };
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-weights-").FullName;

    public static TheoryData<string> CoreExamples()
    {
        string[] core = [LinearHead.Kind.Name, StackedLinearHead.Kind.Name, BranchedLinearHead.Kind.Name, ActivatedHead.Kind.Name];
        return [.. HeadRegistry.Examples.Where(s => core.Contains(s.Kind.Name)).Select(s => s.ToString())];
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [MemberData(nameof(CoreExamples))]
    public void SaveWeights_ThenLoadWeights_IntoAFreshModel_GivesTheSameEvalLogits(string spec)
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel source = Trained(spec, seed: 1);
        using SegmentationModel target = Model(spec, seed: 2);
        using Tensor images = randn(2, 3, 12, 12);

        source.SaveWeights(path);
        target.LoadWeights(path);

        source.eval();
        target.eval();
        using Tensor expected = source.forward(images);
        using Tensor actual = target.forward(images);
        TensorAssert.MaxAbsDiff(expected, actual).Should().Be(0, "every parameter and buffer is copied bit for bit");
    }

    [Fact]
    public void SaveWeights_Float64Model_KeepsFloat64AndInt64BatchCounts()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel model = Trained("stacked-linear:3-1@4+bn", seed: 1);
        model.to(float64);

        model.SaveWeights(path);

        using SafetensorsFile file = Safetensors.Read(path);
        file["head.layers.0.conv.weight"].dtype.Should().Be(ScalarType.Float64);
        file["head.layers.0.norm.num_batches_tracked"].dtype.Should().Be(ScalarType.Int64);
        file["head.layers.0.norm.num_batches_tracked"].item<long>().Should().Be(1, "one training step ran");
        file.Names.Should().Equal(ModelWeights.Keys(model));
    }

    [Fact]
    public void SaveWeights_WritesTheArchitectureIntoTheMetadata()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel model = SegmentationModel.Create("activated:3-1@8+gn", 5, Small with { Norm = NormKind.Group }, SizePolicy.PadAndCrop);

        model.SaveWeights(path);

        using SafetensorsFile file = Safetensors.Read(path);
        file.Metadata.Should().Contain(new Dictionary<string, string>
        {
            ["segheads.head"] = "activated:3-1@8+gn",
            ["segheads.num_classes"] = "5",
            ["segheads.size_policy"] = "pad-and-crop",
            ["segheads.backbone"] = "encoder-decoder",
            ["segheads.backbone.in_channels"] = "3",
            ["segheads.backbone.base_width"] = "4",
            ["segheads.backbone.depth"] = "2",
            ["segheads.backbone.norm"] = "group",
        });
    }

    [Fact]
    public void LoadModel_RebuildsTheSavedArchitectureAndDtypeWithTheSameLogits()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel source = Trained("branched-linear:3-1@4+bn+pad-once", seed: 3);
        source.to(float64);
        source.SaveWeights(path);

        using SegmentationModel loaded = SegmentationModelWeights.LoadModel(path);

        loaded.Head.Spec.ToString().Should().Be("branched-linear:3-1@4+bn+pad-once");
        ((EncoderDecoder)loaded.Backbone).Options.Should().Be(Small);
        source.eval();
        loaded.eval();
        using Tensor images = randn(1, 3, 8, 8, dtype: float64);
        using Tensor expected = source.forward(images);
        using Tensor actual = loaded.forward(images);
        TensorAssert.MaxAbsDiff(expected, actual).Should().Be(0);
    }

    [Theory]
    [InlineData("stacked-linear:3-3-1@8+bn+pad-once", "stacked-linear:5")]
    [InlineData("activated:3-1@8+bn", "activated:3-1@8")]
    public void SaveWeights_DeployedModel_DescribesTheNormFreeArchitectureThatLoadModelRebuilds(string spec, string deployedSpec)
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel trained = Trained(spec, seed: 4);
        using SegmentationModel deployed = trained.ToDeployed();

        deployed.SaveWeights(path);
        using SegmentationModel loaded = SegmentationModelWeights.LoadModel(path);

        loaded.Head.Spec.ToString().Should().Be(deployedSpec);
        ((EncoderDecoder)loaded.Backbone).Options.Norm.Should().Be(NormKind.None);
        loaded.eval();
        using Tensor images = randn(1, 3, 8, 8);
        using Tensor expected = deployed.forward(images);
        using Tensor actual = loaded.forward(images);
        TensorAssert.MaxAbsDiff(expected, actual).Should().Be(0);
    }

    [Fact]
    public void LoadWeights_PlainStateDictWithoutMetadata_LoadsButLoadModelNamesTheMissingKey()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel source = Trained("linear", seed: 5);
        Safetensors.Write(path, source.state_dict());
        using SegmentationModel target = Model("linear", seed: 6);

        target.LoadWeights(path).Should().BeEmpty();
        Action rebuild = () => SegmentationModelWeights.LoadModel(path).Dispose();

        target.state_dict()["head.classifier.weight"].equal(source.state_dict()["head.classifier.weight"]).all().item<bool>().Should().BeTrue();
        rebuild.Should().Throw<InvalidDataException>().WithMessage("*metadata has no 'segheads.backbone'*");
    }

    [Fact]
    public void LoadWeights_OtherHeadKind_ThrowsNamingMissingAndUnexpectedKeysAndChangesNothing()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel linear = Model("linear", seed: 1);
        linear.SaveWeights(path);
        using SegmentationModel stacked = Model("stacked-linear:3-1@4", seed: 2);
        Dictionary<string, Tensor> before = Snapshot(stacked);

        Action load = () => stacked.LoadWeights(path);

        WeightsMismatchException e = load.Should().Throw<WeightsMismatchException>()
            .WithMessage("*nothing was loaded*4 missing keys: head.layers.0.conv.weight*2 unexpected keys: head.classifier.weight; head.classifier.bias*").Which;
        e.MissingKeys.Should().Equal("head.layers.0.conv.weight", "head.layers.0.conv.bias", "head.layers.1.conv.weight", "head.layers.1.conv.bias");
        e.UnexpectedKeys.Should().Equal("head.classifier.weight", "head.classifier.bias");
        AssertUnchanged(stacked, before);
    }

    [Fact]
    public void LoadWeights_OtherWidth_ThrowsNamingBothShapesAndChangesNothing()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel wide = Model("stacked-linear:3-1@8", seed: 1);
        wide.SaveWeights(path);
        using SegmentationModel narrow = Model("stacked-linear:3-1@4", seed: 2);
        Dictionary<string, Tensor> before = Snapshot(narrow);

        Action load = () => narrow.LoadWeights(path);

        load.Should().Throw<WeightsMismatchException>()
            .WithMessage("*head.layers.0.conv.weight: expected Float32 [4, 4, 3, 3], file has Float32 [8, 4, 3, 3]*")
            .Which.Mismatches.Should().HaveCount(3);
        AssertUnchanged(narrow, before);
    }

    [Fact]
    public void LoadWeights_Float64FileIntoFloat32Model_ThrowsNamingBothDtypes()
    {
        string path = Path.Combine(folder, "m.safetensors");
        using SegmentationModel source = Model("linear", seed: 1);
        source.to(float64);
        source.SaveWeights(path);
        using SegmentationModel target = Model("linear", seed: 2);

        Action load = () => target.LoadWeights(path);

        load.Should().Throw<WeightsMismatchException>().WithMessage("*backbone.encoders.0.0.conv.weight: expected Float32 [4, 3, 3, 3], file has Float64 [4, 3, 3, 3]*Float64 in the file where the module has Float32*module.to(dtype)*");
    }

    private static SegmentationModel Model(string spec, int seed)
    {
        manual_seed(seed);
        return SegmentationModel.Create(spec, 3, Small);
    }

    /// <summary>A model after one training step, so batch-norm statistics and counts differ from a fresh one.</summary>
    private static SegmentationModel Trained(string spec, int seed)
    {
        SegmentationModel model = Model(spec, seed);
        using var scope = NewDisposeScope();
        model.train();
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        Tensor images = randn(2, 3, 8, 8);
        model.forward(images).square().mean().backward();
        optimizer.step();
        return model;
    }

    private static Dictionary<string, Tensor> Snapshot(SegmentationModel model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.clone());

    private static void AssertUnchanged(SegmentationModel model, Dictionary<string, Tensor> before)
    {
        foreach ((string key, Tensor now) in model.state_dict())
        {
            now.equal(before[key]).all().item<bool>().Should().BeTrue($"{key} must be unchanged after a failed load");
            before[key].Dispose();
        }
    }
}
