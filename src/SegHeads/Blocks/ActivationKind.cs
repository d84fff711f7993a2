namespace SegHeads.Blocks;

/// <summary>The activation a <see cref="ConvBlock"/> applies last.</summary>
public enum ActivationKind
{
    /// <summary>No activation: the block is affine (in eval mode).</summary>
    None,

    /// <summary><c>max(x, 0)</c>.</summary>
    Relu,

    /// <summary><c>max(x, 0.01 x)</c>.</summary>
    LeakyRelu,

    /// <summary>Gaussian error linear unit (exact, erf form).</summary>
    Gelu,

    /// <summary><c>x * sigmoid(x)</c> (SiLU, "swish").</summary>
    Silu,
}
