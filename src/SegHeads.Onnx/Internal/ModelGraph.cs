using Onnx;
using SegHeads.Models;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>
/// The model level: the pad-and-crop size policy with sizes computed in the graph from the input's
/// dynamic H and W, backbone, head, the bilinear resize for an output stride other than 1, and the
/// requested outputs.
/// </summary>
internal static class ModelGraph
{
    public const string LogitsName = "logits";
    public const string ProbabilitiesName = "probabilities";
    public const string MaskName = "mask";

    public static void Build(GraphProto proto, SegmentationModel model, OnnxExportOptions options)
    {
        string input = options.InputName;
        var graph = new OnnxGraphBuilder(proto, [input, LogitsName, ProbabilitiesName, MaskName]);
        proto.Input.Add(ValueInfo(input, OnnxTensors.FloatType, "batch", model.InChannels, "height", "width"));

        long d = model.Backbone.SizeDivisor;
        bool padAndCrop = model.SizePolicy == SizePolicy.PadAndCrop && d > 1;
        string x = input;
        string? sizeHw = null;
        string? paddedHw = null;
        if (padAndCrop || model.Backbone.OutputStride != 1)
        {
            string shape = graph.AddNode("Shape", [input]);
            sizeHw = graph.AddNode("Slice", [shape, graph.AddInt64s("hw_start", 2), graph.AddInt64s("hw_end", 4)]);
            paddedHw = sizeHw;
        }

        if (padAndCrop)
        {
            // padded = ceil(hw / d) · d, computed as ((hw + d − 1) / d) · d in int64 (sizes are positive).
            string divisor = graph.AddInt64s("size_divisor", d);
            string roundedUp = graph.AddNode("Div", [graph.AddNode("Add", [sizeHw!, graph.AddInt64s("divisor_minus_one", d - 1)]), divisor]);
            paddedHw = graph.AddNode("Mul", [roundedUp, divisor]);
            string extra = graph.AddNode("Sub", [paddedHw, sizeHw!]);
            // Pad's pads are [N, C, H, W begins, N, C, H, W ends]: zeros at the bottom and right only, as the model does.
            string pads = graph.AddNode("Concat", [graph.AddInt64s("zero_pads", 0, 0, 0, 0, 0, 0), extra], OnnxAttributeValue.Create("axis", 0));
            x = graph.AddNode("Pad", [input, pads], OnnxAttributeValue.Create("mode", "constant"));
        }

        string features = graph.NewName("features");
        graph.AddModule(model.Backbone, "backbone", x, features);
        bool crop = padAndCrop;
        bool resize = model.Backbone.OutputStride != 1;
        string logits = crop || resize ? graph.NewName("head_logits") : LogitsName;
        graph.AddModule(model.Head, "head", features, logits);

        if (resize)
        {
            // Bilinear with align_corners = False is ONNX's linear mode with half_pixel coordinates.
            string nk = graph.AddNode("Slice", [graph.AddNode("Shape", [logits]), graph.AddInt64s("nk_start", 0), graph.AddInt64s("nk_end", 2)]);
            string sizes = graph.AddNode("Concat", [nk, paddedHw!], OnnxAttributeValue.Create("axis", 0));
            string resized = crop ? graph.NewName("resized_logits") : LogitsName;
            graph.AddNode("Resize", [logits, string.Empty, string.Empty, sizes], [resized],
                OnnxAttributeValue.Create("mode", "linear"),
                OnnxAttributeValue.Create("coordinate_transformation_mode", "half_pixel"));
            logits = resized;
        }

        if (crop)
        {
            graph.AddNode("Slice", [logits, graph.AddInt64s("crop_start", 0, 0), sizeHw!, graph.AddInt64s("crop_axes", 2, 3)], [LogitsName]);
        }

        AddOutputs(graph, proto, model, options);
    }

    private static void AddOutputs(OnnxGraphBuilder graph, GraphProto proto, SegmentationModel model, OnnxExportOptions options)
    {
        int k = model.NumClasses;
        if (options.Outputs.HasFlag(OnnxOutputs.Logits))
        {
            proto.Output.Add(ValueInfo(LogitsName, OnnxTensors.FloatType, "batch", k, "height", "width"));
        }

        if (options.Outputs.HasFlag(OnnxOutputs.Probabilities))
        {
            if (k == 1)
            {
                graph.AddNode("Sigmoid", [LogitsName], [ProbabilitiesName]);
            }
            else
            {
                graph.AddNode("Softmax", [LogitsName], [ProbabilitiesName], OnnxAttributeValue.Create("axis", 1));
            }

            proto.Output.Add(ValueInfo(ProbabilitiesName, OnnxTensors.FloatType, "batch", k, "height", "width"));
        }

        if (options.Outputs.HasFlag(OnnxOutputs.Mask))
        {
            if (k == 1)
            {
                // sigmoid(logit) > t  ⇔  logit > log(t / (1 − t)), as SegmentationModel.Predict computes it.
                float cut = (float)Math.Log(options.MaskThreshold / (1 - options.MaskThreshold));
                string above = graph.AddNode("Greater", [LogitsName, graph.AddFloats("mask_cut", [], cut)]);
                string squeezed = graph.AddNode("Squeeze", [above, graph.AddInt64s("class_axis", 1)]);
                graph.AddNode("Cast", [squeezed], [MaskName], OnnxAttributeValue.Create("to", OnnxTensors.Int64Type));
            }
            else
            {
                graph.AddNode("ArgMax", [LogitsName], [MaskName], OnnxAttributeValue.Create("axis", 1), OnnxAttributeValue.Create("keepdims", 0));
            }

            proto.Output.Add(ValueInfo(MaskName, OnnxTensors.Int64Type, "batch", "height", "width"));
        }
    }

    private static ValueInfoProto ValueInfo(string name, int elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (object dim in dims)
        {
            shape.Dim.Add(dim is string param
                ? new TensorShapeProto.Types.Dimension { DimParam = param }
                : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim, System.Globalization.CultureInfo.InvariantCulture) });
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = elementType, Shape = shape } },
        };
    }
}
