namespace SegHeads.Onnx;

/// <summary>The graph outputs an exported model offers; combine with <c>|</c>.</summary>
[Flags]
public enum OnnxOutputs
{
    /// <summary>No output (invalid on its own).</summary>
    None = 0,

    /// <summary><c>logits</c>: float <c>[N, K, H, W]</c>, what <c>SegmentationModel.forward</c> returns.</summary>
    Logits = 1,

    /// <summary><c>probabilities</c>: float <c>[N, K, H, W]</c>, softmax over classes (axis 1), or a sigmoid when K = 1.</summary>
    Probabilities = 2,

    /// <summary><c>mask</c>: int64 <c>[N, H, W]</c>, the argmax over classes, or <c>sigmoid(logit) &gt; threshold</c> when K = 1.</summary>
    Mask = 4,
}
