using System.Globalization;
using Onnx;
using SegHeads.Onnx.Internal;
using SegHeads.Reparam;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx;

/// <summary>
/// The ONNX graph under construction, handed to <see cref="IOnnxExportable.Export"/>: fresh value
/// names, weights as initializers, nodes, and <see cref="AddModule"/> to export a child module with
/// the built-in mappings (or its own <see cref="IOnnxExportable"/>). Every name it makes starts with
/// the current module path, so a graph viewer shows where a node came from.
/// </summary>
public sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Stack<string> path = new();

    internal OnnxGraphBuilder(GraphProto graph, IEnumerable<string> reservedNames)
    {
        this.graph = graph;
        foreach (string name in reservedNames)
        {
            names.Add(name);
        }
    }

    /// <summary>The path of the module being exported, e.g. <c>backbone.encoders.0.1</c> (empty at the model level).</summary>
    public string ModulePath => string.Join('.', path.Reverse());

    /// <summary>A value name not used before in this graph, made of the module path and <paramref name="hint"/>.</summary>
    /// <param name="hint">A short description, e.g. <c>conv</c>.</param>
    /// <returns>The new name.</returns>
    public string NewName(string hint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hint);
        string stem = path.Count == 0 ? hint : $"{ModulePath}/{hint}";
        string name = stem;
        for (int i = 1; !names.Add(name); i++)
        {
            name = string.Create(CultureInfo.InvariantCulture, $"{stem}_{i}");
        }

        return name;
    }

    /// <summary>Adds a weight (converted to float32) as an initializer.</summary>
    /// <param name="hint">Name hint, e.g. <c>weight</c>.</param>
    /// <param name="tensor">The values, any shape; copied, not kept.</param>
    /// <returns>The initializer's name.</returns>
    public string AddWeight(string hint, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        string name = NewName(hint);
        graph.Initializer.Add(OnnxTensors.FromTensor(name, tensor));
        return name;
    }

    /// <summary>Adds a float32 constant of shape <paramref name="dims"/> as an initializer.</summary>
    /// <param name="hint">Name hint.</param>
    /// <param name="dims">Shape (empty for a scalar).</param>
    /// <param name="values">Values in row-major order; their count is the product of <paramref name="dims"/>.</param>
    /// <returns>The initializer's name.</returns>
    /// <exception cref="ArgumentException">The value count does not match the shape.</exception>
    public string AddFloats(string hint, long[] dims, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(dims);
        ArgumentNullException.ThrowIfNull(values);
        RequireCount(dims, values.Length);
        string name = NewName(hint);
        graph.Initializer.Add(OnnxTensors.Float(name, dims, values));
        return name;
    }

    /// <summary>Adds a 1-D int64 constant (shapes, pads, axes) as an initializer.</summary>
    /// <param name="hint">Name hint.</param>
    /// <param name="values">Values.</param>
    /// <returns>The initializer's name.</returns>
    public string AddInt64s(string hint, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        string name = NewName(hint);
        graph.Initializer.Add(OnnxTensors.Int64(name, [values.Length], values));
        return name;
    }

    /// <summary>Adds a node of the default ONNX domain.</summary>
    /// <param name="opType">Operator, e.g. <c>Conv</c>.</param>
    /// <param name="inputs">Input value names in the operator's order (an empty string skips an optional input).</param>
    /// <param name="outputs">Output value names.</param>
    /// <param name="attributes">Attributes.</param>
    public void AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs, params OnnxAttributeValue[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentNullException.ThrowIfNull(attributes);
        var node = new NodeProto { OpType = opType, Name = NewName(opType) };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (OnnxAttributeValue attribute in attributes)
        {
            node.Attribute.Add(attribute.ToProto());
        }

        graph.Node.Add(node);
    }

    /// <summary>Adds a one-output node whose output gets a new name.</summary>
    /// <param name="opType">Operator, e.g. <c>Relu</c>.</param>
    /// <param name="inputs">Input value names.</param>
    /// <param name="attributes">Attributes.</param>
    /// <returns>The output's name.</returns>
    public string AddNode(string opType, IReadOnlyList<string> inputs, params OnnxAttributeValue[] attributes)
    {
        string output = NewName(opType.ToLowerInvariant());
        AddNode(opType, inputs, [output], attributes);
        return output;
    }

    /// <summary>
    /// Exports <paramref name="module"/> (its <see cref="IOnnxExportable"/>, else a built-in mapping)
    /// as the child <paramref name="name"/> of the current module path.
    /// </summary>
    /// <param name="module">The module, in eval semantics (batch norms use their running statistics).</param>
    /// <param name="name">Its name under the current path, e.g. <c>head</c> or <c>0</c>.</param>
    /// <param name="input">Input value name.</param>
    /// <param name="output">Output value name the module must write.</param>
    /// <exception cref="NotSupportedException">The module, or one inside it, has no ONNX mapping; the message names its path.</exception>
    public void AddModule(nn.Module module, string name, string input, string output)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        using (Enter(name))
        {
            ModuleExporters.Export(this, module, input, output);
        }
    }

    /// <summary>Names the nodes added until the scope is disposed as those of the child <paramref name="name"/>.</summary>
    internal PathScope Enter(string name)
    {
        path.Push(name);
        return new PathScope(path);
    }

    /// <summary>Adds a <c>Conv</c> with the weights, stride, padding, dilation and groups of <paramref name="conv"/>.</summary>
    /// <param name="conv">A 2-D convolution with zero padding.</param>
    /// <param name="input">Input value name.</param>
    /// <param name="output">Output value name.</param>
    /// <exception cref="NotSupportedException">The conv pads with a mode other than zeros, or with a "same"/"valid" string.</exception>
    public void AddConv(Conv2d conv, string input, string output)
    {
        ArgumentNullException.ThrowIfNull(conv);
        if (conv.padding_mode != TorchSharp.PaddingModes.Zeros || conv.padding_type is not null)
        {
            throw new NotSupportedException(
                $"ONNX export supports convs with explicit zero padding, but '{ModulePath}' uses padding mode {conv.padding_mode} / {conv.padding_type}.");
        }

        long[] pads = conv.padding!;
        AddConvNode(conv.weight!, conv.bias, input, output, [pads[0], pads[1], pads[0], pads[1]], conv.stride!, conv.dilation!, conv.groups);
    }

    /// <summary>Adds a stride-1 <c>Conv</c> holding <paramref name="kernel"/> (weight, bias, per-axis padding).</summary>
    /// <param name="kernel">Weight <c>[K, C, kh, kw]</c>, bias <c>[K]</c>, padding <c>(ph, pw)</c>.</param>
    /// <param name="input">Input value name.</param>
    /// <param name="output">Output value name.</param>
    public void AddConv(ConvKernel kernel, string input, string output)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        long ph = kernel.PaddingHeight;
        long pw = kernel.PaddingWidth;
        AddConvNode(kernel.Weight, kernel.Bias, input, output, [ph, pw, ph, pw], [1, 1], [1, 1], 1);
    }

    private void AddConvNode(Tensor weight, Tensor? bias, string input, string output, long[] pads, long[] strides, long[] dilations, long groups)
    {
        string w = AddWeight("weight", weight);
        List<string> inputs = [input, w];
        if (bias is not null)
        {
            inputs.Add(AddWeight("bias", bias));
        }

        // NOTE: ONNX pads are [h_begin, w_begin, h_end, w_end]; PyTorch's symmetric (ph, pw) maps to [ph, pw, ph, pw].
        AddNode("Conv", inputs, [output],
            OnnxAttributeValue.Create("kernel_shape", weight.shape[2], weight.shape[3]),
            OnnxAttributeValue.Create("pads", pads),
            OnnxAttributeValue.Create("strides", strides),
            OnnxAttributeValue.Create("dilations", dilations),
            OnnxAttributeValue.Create("group", groups));
    }

    internal readonly struct PathScope(Stack<string> path) : IDisposable
    {
        public void Dispose() => path.Pop();
    }

    private static void RequireCount(long[] dims, int count)
    {
        long expected = dims.Aggregate(1L, (a, b) => a * b);
        if (expected != count)
        {
            throw new ArgumentException($"A constant of shape [{string.Join(", ", dims)}] needs {expected} values, but got {count}.", nameof(dims));
        }
    }
}
