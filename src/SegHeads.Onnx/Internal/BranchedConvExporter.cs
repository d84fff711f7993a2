using SegHeads.Blocks;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>
/// BranchedConv → one Conv: the branches fused with their batch norms (<see cref="BranchedConv.TryFuse"/>),
/// exact at every pixel in both padding modes, and one node instead of a Sum of branches.
/// </summary>
internal static class BranchedConvExporter
{
    public static void Export(OnnxGraphBuilder graph, BranchedConv block, string input, string output)
    {
        using var noGrad = no_grad();
        if (!block.TryFuse(out ConvKernel? kernel, out string? reason))
        {
            throw new NotSupportedException($"ONNX export cannot fuse '{graph.ModulePath}': {reason}.");
        }

        using (kernel)
        {
            graph.AddConv(kernel, input, output);
        }
    }
}
