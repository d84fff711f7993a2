using TorchSharp.Modules;

namespace SegHeads.Onnx.Internal;

/// <summary>ConvTranspose2d → ConvTranspose; the weight layout <c>[Cin, Cout / groups, kh, kw]</c> is the same in both.</summary>
internal static class ConvTransposeExporter
{
    public static void Export(OnnxGraphBuilder graph, ConvTranspose2d conv, string input, string output)
    {
        if (conv.padding_mode != TorchSharp.PaddingModes.Zeros || conv.padding_type is not null)
        {
            throw new NotSupportedException(
                $"ONNX export supports transposed convs with explicit zero padding, but '{graph.ModulePath}' uses {conv.padding_mode} / {conv.padding_type}.");
        }

        string w = graph.AddWeight("weight", conv.weight!);
        List<string> inputs = [input, w];
        if (conv.bias is not null)
        {
            inputs.Add(graph.AddWeight("bias", conv.bias));
        }

        long[] p = conv.padding!;
        long[] outputPadding = conv.output_padding ?? [0, 0];
        graph.AddNode("ConvTranspose", inputs, [output],
            OnnxAttributeValue.Create("kernel_shape", conv.weight!.shape[2], conv.weight.shape[3]),
            OnnxAttributeValue.Create("strides", conv.stride!),
            OnnxAttributeValue.Create("pads", p[0], p[1], p[0], p[1]),
            OnnxAttributeValue.Create("dilations", conv.dilation!),
            OnnxAttributeValue.Create("output_padding", outputPadding.Length == 2 ? outputPadding : [outputPadding[0], outputPadding[0]]),
            OnnxAttributeValue.Create("group", conv.groups));
    }
}
