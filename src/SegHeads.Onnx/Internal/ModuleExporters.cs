using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>
/// The built-in module → ONNX mappings, one visitor per known type (an explicit list, no
/// reflection). A module's own <see cref="IOnnxExportable"/> wins over these.
/// </summary>
internal static class ModuleExporters
{
    public static void Export(OnnxGraphBuilder graph, nn.Module module, string input, string output)
    {
        switch (module)
        {
            case IOnnxExportable exportable:
                exportable.Export(graph, input, output);
                break;
            case ConvBlock block:
                ConvBlockExporter.Export(graph, block, input, output);
                break;
            case BranchedConv branched:
                BranchedConvExporter.Export(graph, branched, input, output);
                break;
            case Conv2d conv:
                graph.AddConv(conv, input, output);
                break;
            case ConvTranspose2d transposed:
                ConvTransposeExporter.Export(graph, transposed, input, output);
                break;
            case BatchNorm2d norm:
                NormExporters.BatchNorm(graph, norm, input, output);
                break;
            case GroupNorm norm:
                NormExporters.GroupNorm(graph, norm, input, output);
                break;
            case ReLU or LeakyReLU or GELU or SiLU or Identity:
                ActivationExporter.Export(graph, module, input, output);
                break;
            case Sequential sequential:
                Chain(graph, [.. sequential.named_children()], input, output);
                break;
            case LinearHead linear:
                graph.AddModule(linear.Classifier, "classifier", input, output);
                break;
            case ConvStackHead stack:
                HeadExporters.ConvStack(graph, stack, input, output);
                break;
            case BranchedLinearHead branchedHead:
                HeadExporters.Branched(graph, branchedHead, input, output);
                break;
            case EncoderDecoder encoderDecoder:
                EncoderDecoderExporter.Export(graph, encoderDecoder, input, output);
                break;
            case IdentityBackbone:
                graph.AddNode("Identity", [input], [output]);
                break;
            default:
                throw new NotSupportedException(
                    $"ONNX export has no mapping for module '{graph.ModulePath}' of type {module.GetType().FullName}. "
                    + $"Implement {nameof(IOnnxExportable)} on it to export it yourself.");
        }
    }

    /// <summary>Runs <paramref name="parts"/> one after another; the last writes <paramref name="output"/>.</summary>
    public static void Chain(OnnxGraphBuilder graph, IReadOnlyList<(string Name, nn.Module Module)> parts, string input, string output)
    {
        if (parts.Count == 0)
        {
            graph.AddNode("Identity", [input], [output]);
            return;
        }

        string x = input;
        for (int i = 0; i < parts.Count; i++)
        {
            string next = i == parts.Count - 1 ? output : graph.NewName($"{parts[i].Name}_out");
            graph.AddModule(parts[i].Module, parts[i].Name, x, next);
            x = next;
        }
    }

    /// <summary>The children of <paramref name="module"/> by name (its state-dict prefixes).</summary>
    public static Dictionary<string, nn.Module> Children(nn.Module module) =>
        module.named_children().ToDictionary(c => c.name, c => c.module, StringComparer.Ordinal);

    /// <summary>Zero-pads H and W: <c>Pad</c> with pads <c>[0, 0, top, left, 0, 0, bottom, right]</c>.</summary>
    public static void Pad(OnnxGraphBuilder graph, string input, string output, long top, long left, long bottom, long right)
    {
        string pads = graph.AddInt64s("pads", 0, 0, top, left, 0, 0, bottom, right);
        graph.AddNode("Pad", [input, pads], [output], OnnxAttributeValue.Create("mode", "constant"));
    }
}
