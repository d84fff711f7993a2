using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Internal;

/// <summary>TorchSharp tensors and constants as ONNX initializers (raw little-endian data).</summary>
internal static class OnnxTensors
{
    public const int FloatType = (int)TensorProto.Types.DataType.Float;
    public const int Int64Type = (int)TensorProto.Types.DataType.Int64;

    public static TensorProto FromTensor(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // NOTE: weights are exported in float32 whatever the model's dtype: the graph's input is float32.
        Tensor data = tensor.detach().cpu().to(ScalarType.Float32).contiguous();
        float[] values = data.data<float>().ToArray();
        return Float(name, tensor.shape, values);
    }

    public static TensorProto Float(string name, long[] dims, float[] values)
    {
        RequireLittleEndian();
        var proto = new TensorProto { Name = name, DataType = FloatType, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(dims);
        return proto;
    }

    public static TensorProto Int64(string name, long[] dims, long[] values)
    {
        RequireLittleEndian();
        var proto = new TensorProto { Name = name, DataType = Int64Type, RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan())) };
        proto.Dims.AddRange(dims);
        return proto;
    }

    // ONNX's raw_data is little-endian; reinterpreting memory is only right on such hosts.
    private static void RequireLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("ONNX export writes raw little-endian tensor data and needs a little-endian host, but this host is big-endian.");
        }
    }
}
