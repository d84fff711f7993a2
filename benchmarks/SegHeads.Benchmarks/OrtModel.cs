using Microsoft.ML.OnnxRuntime;
using SegHeads.Models;
using SegHeads.Onnx;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// An exported model in an ONNX Runtime session, callable like a module so it can be interleaved
/// with TorchSharp forwards. The input is copied out of the tensor once per call, as a deployed app
/// would hand ORT its own buffer; that copy is part of the timing (under 1% at these sizes).
/// </summary>
internal sealed class OrtModel : nn.Module<Tensor, Tensor>
{
    private readonly InferenceSession session;
    private readonly RunOptions runOptions = new();
    private readonly string inputName;

    public OrtModel(SegmentationModel model, int threads, string? profilePrefix = null, bool spinning = false)
        : base("ort")
    {
        byte[] bytes = OnnxExporter.ToBytes(model);
        ModelBytes = bytes.Length;
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
        };

        // NOTE: ORT's pool spins after each run by default; interleaved with TorchSharp on 2 cores
        // the spinning threads would steal the next torch call's cores and bias the comparison
        // (--ort-spinning turns it back on, to measure what spinning buys ORT itself).
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        if (profilePrefix is not null)
        {
            options.EnableProfiling = true;
            options.ProfileOutputPathPrefix = profilePrefix;
        }

        session = new InferenceSession(bytes, options);
        inputName = session.InputMetadata.Keys.Single();
    }

    /// <summary>Size of the exported ONNX file in bytes.</summary>
    public int ModelBytes { get; }

    /// <summary>Ends profiling and returns the profile's file name (when profiling was on).</summary>
    public string EndProfiling() => session.EndProfiling();

    public override Tensor forward(Tensor input)
    {
        using Tensor cpu = input.contiguous();
        float[] data = cpu.data<float>().ToArray();
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(data, input.shape);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [inputName] = value }, ["logits"]);
        ReadOnlySpan<float> logits = outputs[0].GetTensorDataAsSpan<float>();
        long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
        return tensor(logits.ToArray(), shape);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            session.Dispose();
            runOptions.Dispose();
        }

        base.Dispose(disposing);
    }
}
