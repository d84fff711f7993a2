using SegHeads.Backbones;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>
/// The UNet: per level the encoder's two ConvBlocks, MaxPool 2x2 stride 2 down, ConvTranspose up,
/// Concat [skip, upsampled] on channels, the decoder's two ConvBlocks. The wiring mirrors
/// <c>EncoderDecoder.forward</c>; the submodules are reached by their state-dict names.
/// </summary>
internal static class EncoderDecoderExporter
{
    public static void Export(OnnxGraphBuilder graph, EncoderDecoder backbone, string input, string output)
    {
        Dictionary<string, nn.Module> children = ModuleExporters.Children(backbone);
        Dictionary<string, nn.Module> encoders = ModuleExporters.Children(children["encoders"]);
        Dictionary<string, nn.Module> upsamplers = ModuleExporters.Children(children["upsamplers"]);
        Dictionary<string, nn.Module> decoders = ModuleExporters.Children(children["decoders"]);
        int depth = backbone.Options.Depth;

        var skips = new List<string>(depth);
        string x = input;
        for (int level = 0; level < depth; level++)
        {
            bool last = level == depth - 1;
            string encoded = last && depth == 1 ? output : graph.NewName($"encoders.{level}_out");
            graph.AddModule(encoders[$"{level}"], $"encoders.{level}", x, encoded);
            x = encoded;
            if (!last)
            {
                skips.Add(x);
                // NOTE: ONNX MaxPool's strides default to 1, PyTorch's to the kernel: always emit them.
                x = graph.AddNode("MaxPool", [x], OnnxAttributeValue.Create("kernel_shape", 2, 2), OnnxAttributeValue.Create("strides", 2, 2), OnnxAttributeValue.Create("pads", 0, 0, 0, 0));
            }
        }

        for (int j = 0; j < depth - 1; j++)
        {
            string up = graph.NewName($"upsamplers.{j}_out");
            graph.AddModule(upsamplers[$"{j}"], $"upsamplers.{j}", x, up);
            string joined = graph.AddNode("Concat", [skips[^(j + 1)], up], OnnxAttributeValue.Create("axis", 1));
            string decoded = j == depth - 2 ? output : graph.NewName($"decoders.{j}_out");
            graph.AddModule(decoders[$"{j}"], $"decoders.{j}", joined, decoded);
            x = decoded;
        }
    }
}
