using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Inference;

/// <summary>The per-pixel weight of one window's logits.</summary>
internal static class TileWeights
{
    // NOTE: far from the centre a Gaussian underflows; a floor keeps every covered pixel's total
    // weight positive (no 0/0), and at 1e-6 it changes no blend that matters.
    private const double Floor = 1e-6;

    /// <summary>Weights <c>[1, 1, h, w]</c> with maximum 1, in <paramref name="dtype"/> on <paramref name="device"/>.</summary>
    public static Tensor Create(long h, long w, TiledPredictorOptions options, ScalarType dtype, Device device)
    {
        if (options.Blending == TileBlending.Uniform)
        {
            return ones([1, 1, h, w], dtype: dtype, device: device);
        }

        using var scope = NewDisposeScope();
        Tensor weights = Axis(h, options.GaussianSigmaScale).unsqueeze(1) * Axis(w, options.GaussianSigmaScale).unsqueeze(0);
        weights = ScalarMath.ClampMin(weights / weights.max(), Floor);
        return scope.MoveToOuter(weights.reshape(1, 1, h, w).to(dtype, device));
    }

    private static Tensor Axis(long length, double sigmaScale)
    {
        double centre = (length - 1) / 2.0;
        double sigma = sigmaScale * length;
        Tensor d = ScalarMath.Add(arange(length, dtype: float64), -centre);
        return ScalarMath.Divide(-(d * d), 2 * sigma * sigma).exp();
    }
}
