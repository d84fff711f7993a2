using SegHeads.Heads;

namespace SegHeads.Onnx.Internal;

/// <summary>The built-in heads: the pad-once Pad, then their layers in order.</summary>
internal static class HeadExporters
{
    /// <summary>stacked-linear and activated: Pad(R) for pad-once, then each ConvBlock.</summary>
    public static void ConvStack(OnnxGraphBuilder graph, ConvStackHead head, string input, string output)
    {
        int r = head.ReceptiveRadius;
        Layers(graph, head.Spec, head.Layers, r, r, input, output);
    }

    /// <summary>branched-linear: Pad(Rh, Rw) for pad-once, then each layer fused into one Conv.</summary>
    public static void Branched(OnnxGraphBuilder graph, BranchedLinearHead head, string input, string output)
    {
        int rh = head.Spec.Layers.Sum(l => l.Height / 2);
        int rw = head.Spec.Layers.Sum(l => l.Width / 2);
        Layers(graph, head.Spec, head.Layers, rh, rw, input, output);
    }

    private static void Layers<T>(OnnxGraphBuilder graph, HeadSpec spec, IReadOnlyList<T> layers, int rh, int rw, string input, string output)
        where T : TorchSharp.torch.nn.Module
    {
        string x = input;
        if (spec.Padding == HeadPadding.PadOnce && (rh > 0 || rw > 0))
        {
            x = graph.NewName("padded");
            ModuleExporters.Pad(graph, input, x, rh, rw, rh, rw);
        }

        // NOTE: "layers.{i}" matches the head's state-dict keys, so error paths name the real module.
        ModuleExporters.Chain(graph, [.. layers.Select((layer, i) => ($"layers.{i}", (TorchSharp.torch.nn.Module)layer))], x, output);
    }
}
