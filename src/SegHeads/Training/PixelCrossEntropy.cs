using SegHeads.Internal;
using SegHeads.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Per-pixel softmax cross-entropy on logits <c>[N, K, H, W]</c> and integer masks <c>[N, H, W]</c>,
/// averaged exactly as PyTorch's <c>cross_entropy</c>: <c>Σ w[yᵢ]·(−log softmax(zᵢ)[yᵢ]) / Σ w[yᵢ]</c>
/// over pixels whose mask is not the ignore index. With one logit channel (K = 1) it is the binary
/// cross-entropy with logits on masks in {0, 1}. A batch with nothing to count gives a loss of 0
/// (still connected to the graph), where PyTorch gives NaN.
/// </summary>
/// <remarks>
/// An instance is the <see cref="ISegmentationLoss"/> a <see cref="Trainer"/> uses by default; the
/// static <see cref="Compute(Tensor, Tensor, CrossEntropyOptions?)"/> is the same computation for
/// one-off calls.
/// </remarks>
public sealed class PixelCrossEntropy : ISegmentationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Ignore index and weights; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public PixelCrossEntropy(CrossEntropyOptions? options = null)
    {
        Options = (options ?? new CrossEntropyOptions()).Validate();
    }

    /// <summary>The configuration (validated).</summary>
    public CrossEntropyOptions Options { get; }

    /// <inheritdoc />
    public string Name => "cross-entropy";

    /// <inheritdoc />
    public long IgnoreIndex => Options.IgnoreIndex;

    /// <summary>Computes the loss with this instance's <see cref="Options"/>.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="masks">Class indices <c>[N, H, W]</c>: 0..K−1 (0/1 when K = 1) or the ignore index.</param>
    /// <returns>A scalar loss tensor.</returns>
    /// <exception cref="ArgumentException">Shapes do not match, the mask is not integer, a label is out of range, or the class weights have the wrong length.</exception>
    public Tensor Compute(Tensor logits, Tensor masks) => Compute(logits, masks, Options);

    /// <summary>Computes the loss.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="masks">Class indices <c>[N, H, W]</c>: 0..K−1 (0/1 when K = 1) or the ignore index.</param>
    /// <param name="options">Ignore index and weights; <see langword="null"/> for the defaults.</param>
    /// <returns>A scalar loss tensor.</returns>
    /// <exception cref="ArgumentException">Shapes do not match, the mask is not integer, a label is out of range, or the class weights have the wrong length.</exception>
    public static Tensor Compute(Tensor logits, Tensor masks, CrossEntropyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(masks);
        options = (options ?? new CrossEntropyOptions()).Validate();
        if (logits.dim() != 4)
        {
            throw new ArgumentException($"Logits must be [N, K, H, W], but got rank {logits.dim()} with shape {Shapes.Format(logits)}.", nameof(logits));
        }

        long k = logits.shape[1];
        if (k == 0)
        {
            throw new ArgumentException($"Logits need at least one class channel, but got {Shapes.Format(logits)}.", nameof(logits));
        }

        if (!logits.is_floating_point())
        {
            throw new ArgumentException($"Logits must be floating point, but got dtype {logits.dtype}.", nameof(logits));
        }

        long classes = ClassCount.For(k);
        if (masks.dim() != 3 || masks.shape[0] != logits.shape[0] || masks.shape[1] != logits.shape[2] || masks.shape[2] != logits.shape[3])
        {
            throw new ArgumentException(
                $"Masks must be [{logits.shape[0]}, {logits.shape[2]}, {logits.shape[3]}] to match logits {Shapes.Format(logits)}, but got {Shapes.Format(masks)}.",
                nameof(masks));
        }

        if (masks.is_floating_point() || masks.dtype == ScalarType.Bool)
        {
            throw new ArgumentException($"Masks must hold integer class indices, but got dtype {masks.dtype}.", nameof(masks));
        }

        if (options.ClassWeights is not null && options.ClassWeights.Count != classes)
        {
            throw new ArgumentException(
                $"ClassWeights must have one weight per class ({classes}), but has {options.ClassWeights.Count}.", nameof(options));
        }

        using var scope = NewDisposeScope();
        Tensor target = masks.to(int64);
        Tensor? valid = null;
        if (!AllLabelsInRange(target, classes, options.IgnoreIndex))
        {
            valid = ScalarArgs.NotEqual(target, options.IgnoreIndex);
            long counted = valid.sum().item<long>();
            CheckLabels(target, valid, counted, classes, options.IgnoreIndex, nameof(masks));
            if (counted == 0)
            {
                return scope.MoveToOuter(ScalarMath.ConnectedZero(logits));
            }
        }

        // NOTE: valid stays null when every pixel counts (the fast path above).
        Tensor loss = k == 1 ? Binary(logits, target, valid ?? ones_like(target, dtype: ScalarType.Bool), options) : MultiClass(logits, target, options);
        return scope.MoveToOuter(loss);
    }

    private static Tensor MultiClass(Tensor logits, Tensor target, CrossEntropyOptions options)
    {
        Tensor? weight = options.ClassWeights is null
            ? null
            : tensor(options.ClassWeights.ToArray(), dtype: logits.dtype, device: logits.device);
        if (weight is not null)
        {
            // NOTE: PyTorch's weighted mean divides by Σ w[yᵢ]; when every counted pixel has weight 0
            // that is 0/0. Define it as 0, like the all-ignored batch.
            Tensor safeTarget = ScalarArgs.Clamp(target, 0, weight.shape[0] - 1);
            Tensor pixelWeights = weight.index_select(0, safeTarget.flatten()).masked_select(ScalarArgs.NotEqual(target.flatten(), options.IgnoreIndex));
            if (pixelWeights.sum().ToDouble() == 0)
            {
                return ScalarMath.ConnectedZero(logits);
            }
        }

        return nn.functional.cross_entropy(logits, target, weight, ignore_index: options.IgnoreIndex);
    }

    private static Tensor Binary(Tensor logits, Tensor target, Tensor valid, CrossEntropyOptions options)
    {
        Tensor z = logits.squeeze(1);
        Tensor y = ScalarArgs.Clamp(target, 0, 1).to(z.dtype);
        Tensor positiveWeight = tensor(options.PositiveWeight, dtype: z.dtype, device: z.device);
        Tensor perPixel = nn.functional.binary_cross_entropy_with_logits(z, y, reduction: nn.Reduction.None, pos_weights: positiveWeight);
        Tensor w = valid.to(z.dtype);
        if (options.ClassWeights is not null)
        {
            w *= ScalarMath.Add(ScalarMath.Multiply(y, options.ClassWeights[1]), ScalarMath.Multiply(ScalarMath.Subtract(1.0, y), options.ClassWeights[0]));
        }

        Tensor total = w.sum();
        return total.ToDouble() == 0 ? ScalarMath.ConnectedZero(logits) : (perPixel * w).sum() / total;
    }

    /// <summary>
    /// The common case in one pass: every label lies in <c>[0, classes)</c> and none is the ignore
    /// index. It decides nothing else: when it is false, the full checks run.
    /// </summary>
    private static bool AllLabelsInRange(Tensor target, long classes, long ignoreIndex)
    {
        // NOTE: a training step runs this on every batch; one aminmax replaces the ne/sum/
        // masked_select/min/max sequence and its three host reads when nothing is ignored.
        if (target.numel() == 0)
        {
            return false;
        }

        var (min, max) = target.aminmax();
        using (min)
        using (max)
        {
            long lo = min.item<long>();
            long hi = max.item<long>();
            return lo >= 0 && hi < classes && (ignoreIndex < lo || ignoreIndex > hi);
        }
    }

    private static void CheckLabels(Tensor target, Tensor valid, long counted, long classes, long ignoreIndex, string paramName)
    {
        if (counted == 0)
        {
            return;
        }

        Tensor labels = target.masked_select(valid);
        long min = labels.min().item<long>();
        long max = labels.max().item<long>();
        if (min < 0 || max >= classes)
        {
            Tensor bad = labels.masked_select(ScalarArgs.OutOfRange(labels, classes, null));
            throw new ArgumentException(
                $"Mask labels must be in [0, {classes}) or the ignore index {ignoreIndex}, but found {bad.numel()} pixel(s) outside, e.g. {bad[0].item<long>()} (labels range from {min} to {max}).",
                paramName);
        }
    }
}
