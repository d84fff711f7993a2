namespace SegHeads.Onnx;

/// <summary>
/// A module that writes its own eval-mode computation into an ONNX graph. <see cref="OnnxExporter"/>
/// asks a module for this interface before its built-in mappings, so a head or backbone registered
/// from outside SegHeads (or a built-in one that needs a different mapping) exports itself.
/// </summary>
public interface IOnnxExportable
{
    /// <summary>Adds the nodes that compute <paramref name="output"/> from <paramref name="input"/>.</summary>
    /// <param name="graph">The graph being built; use it for names, weights, nodes and child modules.</param>
    /// <param name="input">Name of the input value, float <c>[N, C, H, W]</c>.</param>
    /// <param name="output">Name the output value must have (the last node writes it).</param>
    void Export(OnnxGraphBuilder graph, string input, string output);
}
