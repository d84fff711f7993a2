using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests.Infrastructure;

/// <summary>An exported model loaded in ONNX Runtime with every graph optimisation on, run on TorchSharp tensors.</summary>
internal sealed class OrtModel : IDisposable
{
    private readonly SessionOptions options;
    private readonly InferenceSession session;

    public OrtModel(byte[] model)
    {
        options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        session = new InferenceSession(model, options);
    }

    public IReadOnlyList<string> OutputNames => [.. session.OutputMetadata.Keys];

    public InferenceSession Session => session;

    /// <summary>Runs the graph on <paramref name="images"/> and returns every output as a tensor (float or int64).</summary>
    public Dictionary<string, Tensor> Run(Tensor images, string inputName = "images")
    {
        float[] data = images.contiguous().data<float>().ToArray();
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(data, images.shape);
        using var runOptions = new RunOptions();
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [inputName] = input }, OutputNames);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < OutputNames.Count; i++)
        {
            OrtValue value = outputs.ElementAt(i);
            long[] shape = value.GetTensorTypeAndShape().Shape;
            result[OutputNames[i]] = value.GetTensorTypeAndShape().ElementDataType == Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Int64
                ? tensor(value.GetTensorDataAsSpan<long>().ToArray()).reshape(shape)
                : tensor(value.GetTensorDataAsSpan<float>().ToArray()).reshape(shape);
        }

        return result;
    }

    public void Dispose()
    {
        session.Dispose();
        options.Dispose();
    }
}
