namespace SegHeads.Onnx;

/// <summary>Configuration of <see cref="OnnxExporter"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>The input's name. Default <c>images</c>.</summary>
    public string InputName { get; init; } = "images";

    /// <summary>Which outputs the graph has, in the order logits, probabilities, mask. Default <see cref="OnnxOutputs.Logits"/>.</summary>
    public OnnxOutputs Outputs { get; init; } = OnnxOutputs.Logits;

    /// <summary>Probability threshold of the binary (K = 1) mask, in (0, 1). Default 0.5, as <c>SegmentationModel.Predict</c>.</summary>
    public double MaskThreshold { get; init; } = 0.5;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentException">The input name is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">No known output is selected, or the threshold is not in (0, 1).</exception>
    public OnnxExportOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(InputName))
        {
            throw new ArgumentException($"InputName must be a non-empty name, but was '{InputName}'.", nameof(InputName));
        }

        const OnnxOutputs all = OnnxOutputs.Logits | OnnxOutputs.Probabilities | OnnxOutputs.Mask;
        if (Outputs == OnnxOutputs.None || (Outputs & ~all) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Outputs), Outputs,
                $"Outputs must combine Logits, Probabilities and Mask (at least one), but was {(int)Outputs}.");
        }

        if (!(MaskThreshold > 0 && MaskThreshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MaskThreshold), MaskThreshold, $"MaskThreshold must be in (0, 1), but was {MaskThreshold}.");
        }

        return this;
    }
}
