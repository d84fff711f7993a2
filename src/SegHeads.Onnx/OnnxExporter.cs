using System.Globalization;
using Google.Protobuf;
using Onnx;
using SegHeads.Models;
using SegHeads.Onnx.Internal;
using static TorchSharp.torch;

namespace SegHeads.Onnx;

/// <summary>
/// Writes a <see cref="SegmentationModel"/> as an ONNX model (opset 17) in eval semantics: batch
/// norms use their running statistics (folded into the conv before them), whatever the module's
/// mode. Batch, height and width are dynamic; the size policy, the backbone's resize and the
/// optional probability and mask outputs are part of the graph. Weights are written in float32.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The ONNX opset the graph imports.</summary>
    public const int Opset = 17;

    /// <summary>Exports <paramref name="model"/> with logits as the only output to a file (created or overwritten).</summary>
    /// <param name="model">The model; left untouched.</param>
    /// <param name="path">The <c>.onnx</c> file to write.</param>
    /// <exception cref="NotSupportedException">A module has no ONNX mapping; the message names its path.</exception>
    public static void Export(SegmentationModel model, string path) => Export(model, path, null);

    /// <summary>Exports <paramref name="model"/> to a file (created or overwritten).</summary>
    /// <param name="model">The model; left untouched.</param>
    /// <param name="path">The <c>.onnx</c> file to write.</param>
    /// <param name="options">Outputs and names; <see langword="null"/> for logits only.</param>
    /// <exception cref="NotSupportedException">A module has no ONNX mapping; the message names its path.</exception>
    public static void Export(SegmentationModel model, string path, OnnxExportOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ModelProto proto = ToModelProto(model, options);
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        using (FileStream stream = File.Create(temp))
        {
            proto.WriteTo(stream);
        }

        // Written beside and renamed, so a failed export never leaves a torn model file.
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>Exports <paramref name="model"/> to a stream (written from its current position, not closed).</summary>
    /// <param name="model">The model; left untouched.</param>
    /// <param name="stream">A writable stream.</param>
    /// <param name="options">Outputs and names; <see langword="null"/> for logits only.</param>
    /// <exception cref="NotSupportedException">A module has no ONNX mapping; the message names its path.</exception>
    public static void Export(SegmentationModel model, Stream stream, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ToModelProto(model, options).WriteTo(stream);
    }

    /// <summary>Exports <paramref name="model"/> to bytes, e.g. for <c>new InferenceSession(bytes)</c>.</summary>
    /// <param name="model">The model; left untouched.</param>
    /// <param name="options">Outputs and names; <see langword="null"/> for logits only.</param>
    /// <returns>The serialised ONNX model.</returns>
    /// <exception cref="NotSupportedException">A module has no ONNX mapping; the message names its path.</exception>
    public static byte[] ToBytes(SegmentationModel model, OnnxExportOptions? options = null) =>
        ToModelProto(model, options).ToByteArray();

    private static ModelProto ToModelProto(SegmentationModel model, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        OnnxExportOptions o = (options ?? new OnnxExportOptions()).Validate();
        using var noGrad = no_grad();
        var graph = new GraphProto { Name = "segheads" };
        ModelGraph.Build(graph, model, o);

        var proto = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "SegHeads.Onnx",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = $"SegHeads model: head '{model.Head.Spec}', {model.NumClasses} classes, backbone {model.Backbone.GetType().Name}.",
            Graph = graph,
        };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        AddMetadata(proto, "segheads.head", model.Head.Spec.ToString());
        AddMetadata(proto, "segheads.num_classes", model.NumClasses.ToString(CultureInfo.InvariantCulture));
        AddMetadata(proto, "segheads.in_channels", model.InChannels.ToString(CultureInfo.InvariantCulture));
        AddMetadata(proto, "segheads.size_divisor", model.Backbone.SizeDivisor.ToString(CultureInfo.InvariantCulture));
        AddMetadata(proto, "segheads.size_policy", model.SizePolicy.ToString());
        return proto;
    }

    private static void AddMetadata(ModelProto proto, string key, string value) =>
        proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
