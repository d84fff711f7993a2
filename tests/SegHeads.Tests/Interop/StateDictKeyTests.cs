using SegHeads.Backbones;
using SegHeads.Interop;
using SegHeads.Models;

namespace SegHeads.Tests.Interop;

/// <summary>
/// The key mapping between TorchSharp and PyTorch: the keys are identical (field names are attribute
/// names), only the order differs; weight files use PyTorch's order.
/// </summary>
public sealed class StateDictKeyTests
{
    // NOTE: printed by PyTorch 1.13 from interop/pytorch/segheads.py:
    // SegmentationModel.create("stacked-linear:3-1@4+bn", 2, base_width=2, depth=2).state_dict().keys()
    private static readonly string[] PyTorchKeys =
    [
        .. Block("backbone.encoders.0.0"), .. Block("backbone.encoders.0.1"),
        .. Block("backbone.encoders.1.0"), .. Block("backbone.encoders.1.1"),
        "backbone.upsamplers.0.weight", "backbone.upsamplers.0.bias",
        .. Block("backbone.decoders.0.0"), .. Block("backbone.decoders.0.1"),
        .. Block("head.layers.0"),
        "head.layers.1.conv.weight", "head.layers.1.conv.bias",
    ];

    [Fact]
    public void Keys_SmallModel_EqualPyTorchStateDictKeysInPyTorchOrder()
    {
        using SegmentationModel model = SmallModel();

        ModelWeights.Keys(model).Should().Equal(PyTorchKeys);
    }

    [Fact]
    public void Keys_SameSetAsTorchSharpStateDict_WhichListsParametersBeforeBuffers()
    {
        using SegmentationModel model = SmallModel();
        List<string> torchSharp = [.. model.state_dict().Keys];

        torchSharp.Should().BeEquivalentTo(PyTorchKeys, "the keys themselves need no renaming");
        torchSharp.Should().NotEqual(PyTorchKeys, "TorchSharp orders all parameters before all buffers");
        torchSharp.IndexOf("backbone.encoders.0.0.norm.running_mean").Should().BeGreaterThan(torchSharp.IndexOf("head.layers.1.conv.bias"));
    }

    [Fact]
    public void Keys_BranchedHead_NumberBranchesByAreaThenHeight()
    {
        using SegmentationModel model = SegmentationModel.Create("branched-linear:3-1@4", 2, new EncoderDecoderOptions { BaseWidth = 2, Depth = 1 });
        Dictionary<string, long[]> shapes = model.Head.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

        shapes["layers.0.branches.0.conv.weight"].Should().Equal(4, 2, 3, 3);
        shapes["layers.0.branches.1.conv.weight"].Should().Equal(4, 2, 3, 1);
        shapes["layers.0.branches.2.conv.weight"].Should().Equal(4, 2, 1, 3);
        shapes["layers.0.branches.3.conv.weight"].Should().Equal(4, 2, 1, 1);
        shapes["layers.1.branches.0.conv.weight"].Should().Equal(2, 4, 1, 1);
    }

    private static SegmentationModel SmallModel() =>
        SegmentationModel.Create("stacked-linear:3-1@4+bn", 2, new EncoderDecoderOptions { BaseWidth = 2, Depth = 2 });

    private static string[] Block(string prefix) =>
    [
        $"{prefix}.conv.weight", $"{prefix}.norm.weight", $"{prefix}.norm.bias",
        $"{prefix}.norm.running_mean", $"{prefix}.norm.running_var", $"{prefix}.norm.num_batches_tracked",
    ];
}
