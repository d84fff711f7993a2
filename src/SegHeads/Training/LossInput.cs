using SegHeads.Internal;
using SegHeads.Metrics;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>The argument checks every built-in loss shares, with messages that name shapes, dtypes and labels.</summary>
internal static class LossInput
{
    /// <summary>
    /// Requires logits <c>[N, K, H, W]</c> (K ≥ 1, floating point) and masks <c>[N, H, W]</c> of
    /// integer labels in <c>[0, ClassCount.For(K))</c> or <paramref name="ignoreIndex"/>.
    /// </summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="masks">Labels <c>[N, H, W]</c>.</param>
    /// <param name="ignoreIndex">The loss's ignore index.</param>
    /// <param name="lossName">The loss, for the message.</param>
    /// <returns>K, the logit channels.</returns>
    /// <exception cref="ArgumentException">A shape, dtype or label is wrong.</exception>
    public static long Require(Tensor logits, Tensor masks, long ignoreIndex, string lossName)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(masks);
        if (logits.dim() != 4 || logits.shape[1] == 0)
        {
            throw new ArgumentException($"The {lossName} loss expects logits [N, K, H, W] with K ≥ 1, but got shape {Shapes.Format(logits)}.", nameof(logits));
        }

        if (!logits.is_floating_point())
        {
            throw new ArgumentException($"The {lossName} loss expects floating-point logits, but got dtype {logits.dtype}.", nameof(logits));
        }

        if (masks.dim() != 3 || masks.shape[0] != logits.shape[0] || masks.shape[1] != logits.shape[2] || masks.shape[2] != logits.shape[3])
        {
            throw new ArgumentException(
                $"The {lossName} loss expects masks [{logits.shape[0]}, {logits.shape[2]}, {logits.shape[3]}] to match logits {Shapes.Format(logits)}, but got {Shapes.Format(masks)}.",
                nameof(masks));
        }

        if (masks.is_floating_point() || masks.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"The {lossName} loss expects masks of integer class indices, but got dtype {masks.dtype}.", nameof(masks));
        }

        long k = logits.shape[1];
        long classes = ClassCount.For(k);
        using var scope = NewDisposeScope();
        Tensor bad = ScalarArgs.OutOfRange(masks, classes, ignoreIndex);
        if (bad.any().item<bool>())
        {
            long label = masks.masked_select(bad)[0].item<long>();
            throw new ArgumentException(
                $"The {lossName} loss expects labels in [0, {classes}) or the ignore index {ignoreIndex}, but found {bad.sum().item<long>()} pixel(s) outside, e.g. {label}.",
                nameof(masks));
        }

        return k;
    }
}
