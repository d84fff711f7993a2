using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>Activations at opset 17: Relu, LeakyRelu, and Gelu / SiLU written out (Gelu is an op only from opset 20).</summary>
internal static class ActivationExporter
{
    public static void Export(OnnxGraphBuilder graph, nn.Module module, string input, string output)
    {
        switch (module)
        {
            case ReLU:
                graph.AddNode("Relu", [input], [output]);
                break;
            case LeakyReLU leaky:
                graph.AddNode("LeakyRelu", [input], [output], OnnxAttributeValue.Create("alpha", (float)leaky.negative_slope));
                break;
            case GELU:
                // Exact GELU: x · ½ (1 + erf(x / √2)); ORT fuses this pattern back into one Gelu kernel.
                string scaled = graph.AddNode("Div", [input, graph.AddFloats("sqrt2", [], MathF.Sqrt(2f))]);
                string erf = graph.AddNode("Erf", [scaled]);
                string onePlus = graph.AddNode("Add", [erf, graph.AddFloats("one", [], 1f)]);
                string half = graph.AddNode("Mul", [input, graph.AddFloats("half", [], 0.5f)]);
                graph.AddNode("Mul", [half, onePlus], [output]);
                break;
            case SiLU:
                string sigmoid = graph.AddNode("Sigmoid", [input]);
                graph.AddNode("Mul", [input, sigmoid], [output]);
                break;
            default:
                graph.AddNode("Identity", [input], [output]);
                break;
        }
    }
}
