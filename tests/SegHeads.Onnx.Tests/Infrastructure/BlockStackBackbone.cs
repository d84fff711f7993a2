using SegHeads.Backbones;
using SegHeads.Blocks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests.Infrastructure;

/// <summary>
/// A user's backbone: a Sequential of ConvBlocks with every activation and norm, optionally
/// followed by a 2x2 max-pool (output stride 2, so the model resizes the logits). It exports
/// itself through the builder's built-in ConvBlock mapping.
/// </summary>
internal sealed class BlockStackBackbone : Backbone, IOnnxExportable
{
    private readonly Sequential blocks;
    private readonly int stride;

    public BlockStackBackbone(int stride)
        : base(nameof(BlockStackBackbone))
    {
        this.stride = stride;
        blocks = nn.Sequential(
            ("relu_bn", (nn.Module<Tensor, Tensor>)new ConvBlock(new ConvBlockOptions(3, 8) { Norm = NormKind.Batch, Activation = ActivationKind.Relu })),
            ("leaky_gn", new ConvBlock(new ConvBlockOptions(8, 8) { Norm = NormKind.Group, NormGroups = 4, Activation = ActivationKind.LeakyRelu })),
            ("gelu", new ConvBlock(new ConvBlockOptions(8, 8, 5) { Activation = ActivationKind.Gelu })),
            ("silu_bn", new ConvBlock(new ConvBlockOptions(8, 8, 1) { Norm = NormKind.Batch, Activation = ActivationKind.Silu })),
            ("gn", new ConvBlock(new ConvBlockOptions(8, 8) { Norm = NormKind.Group, NormGroups = 2 })));
        RegisterComponents();
    }

    public override int InChannels => 3;

    public override int OutChannels => 8;

    public override int OutputStride => stride;

    public override int SizeDivisor => stride;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor x = blocks.forward(input);
        return scope.MoveToOuter(stride == 1 ? x : nn.functional.max_pool2d(x, stride));
    }

    public void Export(OnnxGraphBuilder graph, string input, string output)
    {
        if (stride == 1)
        {
            graph.AddModule(blocks, "blocks", input, output);
            return;
        }

        string features = graph.NewName("blocks_out");
        graph.AddModule(blocks, "blocks", input, features);
        graph.AddNode("MaxPool", [features], [output],
            OnnxAttributeValue.Create("kernel_shape", stride, stride), OnnxAttributeValue.Create("strides", stride, stride));
    }

    public override Backbone Clone() => throw new NotSupportedException("Not needed by the export tests.");
}
