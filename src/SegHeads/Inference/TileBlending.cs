namespace SegHeads.Inference;

/// <summary>How <see cref="TiledPredictor"/> weighs overlapping windows' logits.</summary>
public enum TileBlending
{
    /// <summary>Every pixel of every window weighs 1: overlaps are plain means.</summary>
    Uniform,

    /// <summary>
    /// A Gaussian centred on the window (σ = <see cref="TiledPredictorOptions.GaussianSigmaScale"/> × window size
    /// per axis, as nnU-Net does): window centres dominate, so borders, where a model sees padding, count little.
    /// </summary>
    Gaussian,
}
