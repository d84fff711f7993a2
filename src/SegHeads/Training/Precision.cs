using System.Diagnostics.CodeAnalysis;

namespace SegHeads.Training;

/// <summary>The number format a <see cref="Trainer"/> computes in (<see cref="TrainerOptions.Precision"/>).</summary>
public enum Precision
{
    /// <summary>Everything in float32: the model as it is.</summary>
    [SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The number format is the point of the name; it matches torch's dtype name.")]
    Float32,

    /// <summary>
    /// bfloat16 compute with float32 master weights: the forward and backward run on a bfloat16
    /// copy of the model (normalisation layers, the logits, the loss and the optimizer stay float32),
    /// and the gradients are applied to the float32 parameters. bfloat16 has float32's exponent
    /// range, so no loss scaling is needed; it keeps 8 significant bits, so results differ from
    /// float32 at the 1e-2 relative level per step. Fast where the hardware has bfloat16 arithmetic
    /// (e.g. x86 CPUs with AVX512-BF16 or AMX); elsewhere it runs, usually slower than float32.
    /// </summary>
    BFloat16Mixed,
}
