namespace SegHeads.Blocks;

/// <summary>The normalisation a <see cref="ConvBlock"/> applies after its convolution.</summary>
public enum NormKind
{
    /// <summary>No normalisation.</summary>
    None,

    /// <summary>Batch normalisation (per-channel; an affine map in eval mode, so it folds into the conv).</summary>
    Batch,

    /// <summary>Group normalisation (per-sample statistics; never linear).</summary>
    Group,
}
