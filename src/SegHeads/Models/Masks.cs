using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Models;

/// <summary>Turns logits into a predicted mask, the one rule shared by <c>Predict</c> and evaluation.</summary>
public static class Masks
{
    /// <summary>
    /// The predicted class per pixel: argmax over classes, or, for one logit channel (binary),
    /// <c>sigmoid(logit) &gt; threshold</c>, computed as <c>logit &gt; log(t / (1 − t))</c> so that the
    /// default 0.5 is exactly <c>logit &gt; 0</c> with no float rounding of the sigmoid in between.
    /// </summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="threshold">Probability threshold for K = 1, in (0, 1).</param>
    /// <returns>Class indices <c>[N, H, W]</c> as int64.</returns>
    /// <exception cref="ArgumentException">The logits are not 4-D.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not in (0, 1).</exception>
    public static Tensor FromLogits(Tensor logits, double threshold = 0.5)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 4)
        {
            throw new ArgumentException($"Logits must be [N, K, H, W], but got shape {Shapes.Format(logits)}.", nameof(logits));
        }

        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, $"The threshold must be in (0, 1), but was {threshold}.");
        }

        if (logits.shape[1] != 1)
        {
            return logits.argmax(1);
        }

        using var scope = NewDisposeScope();
        double cut = Math.Log(threshold / (1 - threshold));
        return scope.MoveToOuter(ScalarArgs.Greater(logits.squeeze(1), cut).to(int64));
    }
}
