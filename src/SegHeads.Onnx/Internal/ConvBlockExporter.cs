using SegHeads.Blocks;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>ConvBlock → Conv (batch norm folded in, exact) → group norm → activation.</summary>
internal static class ConvBlockExporter
{
    public static void Export(OnnxGraphBuilder graph, ConvBlock block, string input, string output)
    {
        Dictionary<string, nn.Module> children = ModuleExporters.Children(block);
        children.TryGetValue("norm", out nn.Module? norm);
        children.TryGetValue("act", out nn.Module? act);
        bool groupNorm = norm is GroupNorm;
        string convOut = groupNorm || act is not null ? graph.NewName("conv_out") : output;

        if (block.BatchNorm is BatchNorm2d bn)
        {
            if (bn.running_mean is null || bn.running_var is null)
            {
                throw new NotSupportedException(
                    $"ONNX export runs batch norms with their running statistics, but '{graph.ModulePath}.norm' tracks none.");
            }

            // Folding is exact algebra (the same as ToDeployed) and leaves one Conv per block.
            using var noGrad = no_grad();
            using ConvKernel kernel = ConvKernel.FromConv(block.Conv);
            using ConvKernel folded = KernelAlgebra.FoldBatchNorm(kernel, bn);
            using (graph.Enter("conv"))
            {
                graph.AddConv(folded, input, convOut);
            }
        }
        else
        {
            graph.AddModule(block.Conv, "conv", input, convOut);
        }

        string x = convOut;
        if (groupNorm)
        {
            string normOut = act is not null ? graph.NewName("norm_out") : output;
            graph.AddModule(norm!, "norm", x, normOut);
            x = normOut;
        }

        if (act is not null)
        {
            graph.AddModule(act, "act", x, output);
        }
    }
}
