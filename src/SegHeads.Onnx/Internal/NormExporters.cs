using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>Batch norm (eval semantics) and group norm.</summary>
internal static class NormExporters
{
    /// <summary>A standalone BatchNorm2d → BatchNormalization with its running statistics (inference mode).</summary>
    public static void BatchNorm(OnnxGraphBuilder graph, BatchNorm2d norm, string input, string output)
    {
        if (norm.running_mean is null || norm.running_var is null)
        {
            throw new NotSupportedException($"ONNX export runs batch norms with their running statistics, but '{graph.ModulePath}' tracks none.");
        }

        using var scope = NewDisposeScope();
        long c = norm.num_features;
        Tensor scale = norm.weight is null ? ones(c) : norm.weight;
        Tensor shift = norm.bias is null ? zeros(c) : norm.bias;
        graph.AddNode("BatchNormalization",
            [input, graph.AddWeight("scale", scale), graph.AddWeight("bias", shift), graph.AddWeight("mean", norm.running_mean), graph.AddWeight("var", norm.running_var)],
            [output],
            OnnxAttributeValue.Create("epsilon", (float)norm.eps));
    }

    /// <summary>
    /// GroupNorm → Reshape <c>[N, G, C/G · H · W]</c> → InstanceNormalization (unit scale, zero shift)
    /// → Reshape back → Mul by γ <c>[C, 1, 1]</c> → Add β. Opset 18's GroupNormalization takes a scale
    /// per group, not PyTorch's per channel, so the per-channel affine is applied after the reshape.
    /// </summary>
    public static void GroupNorm(OnnxGraphBuilder graph, GroupNorm norm, string input, string output)
    {
        using var scope = NewDisposeScope();
        long groups = norm.num_groups;
        string grouped = graph.AddNode("Reshape", [input, graph.AddInt64s("grouped_shape", 0, groups, -1)]);
        string normalised = graph.AddNode("InstanceNormalization",
            [grouped, graph.AddFloats("unit_scale", [groups], [.. Enumerable.Repeat(1f, (int)groups)]), graph.AddFloats("zero_shift", [groups], new float[groups])],
            OnnxAttributeValue.Create("epsilon", (float)norm.eps));
        string shape = graph.AddNode("Shape", [input]);
        string restored = graph.AddNode("Reshape", [normalised, shape]);
        if (norm.weight is null && norm.bias is null)
        {
            graph.AddNode("Identity", [restored], [output]);
            return;
        }

        string x = restored;
        if (norm.weight is not null)
        {
            string scaled = norm.bias is null ? output : graph.NewName("scaled");
            graph.AddNode("Mul", [x, graph.AddWeight("weight", norm.weight.reshape(-1, 1, 1))], [scaled]);
            x = scaled;
        }

        if (norm.bias is not null)
        {
            graph.AddNode("Add", [x, graph.AddWeight("bias", norm.bias.reshape(-1, 1, 1))], [output]);
        }
    }
}
