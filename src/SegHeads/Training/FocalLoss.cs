using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Focal loss (Lin et al. 2017, "Focal Loss for Dense Object Detection") on logits <c>[N, K, H, W]</c>
/// and masks <c>[N, H, W]</c>, defined as segmentation_models.pytorch's <c>FocalLoss</c> and
/// <c>focal_loss_with_logits</c> (modes <c>binary</c> for K = 1 and <c>multiclass</c> for K ≥ 2).
/// </summary>
/// <remarks>
/// <para>
/// Per pixel, with <c>ℓ = BCE-with-logits(z, t)</c> and <c>p_t = exp(−ℓ)</c>: <c>(1 − p_t)^γ · ℓ</c>,
/// times <c>α·t + (1 − α)·(1 − t)</c> when <see cref="FocalOptions.Alpha"/> is set, reduced by
/// mean (or sum) over the pixels that are not ignored.
/// </para>
/// <para>
/// K ≥ 2 is smp's multiclass mode, which is <em>one-vs-rest sigmoid</em> focal loss, not a softmax:
/// for each class <c>c</c> the logit channel <c>c</c> is scored against the target <c>label == c</c>,
/// and the loss is the <em>sum over classes</em> of those per-class means. Its scale therefore grows
/// with K. Where smp returns NaN (every pixel ignored, mean of nothing), this returns 0 connected to the graph.
/// </para>
/// </remarks>
public sealed class FocalLoss : ISegmentationLoss
{
    // NOTE: smp's focal_loss_with_logits default; FocalLoss does not pass its own eps to it.
    private const double NormalizationEpsilon = 1e-6;

    /// <summary>Creates the loss.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for smp's defaults (γ = 2, no α, mean).</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is invalid (see <see cref="FocalOptions.Validate"/>).</exception>
    public FocalLoss(FocalOptions? options = null)
    {
        Options = (options ?? new FocalOptions()).Validate();
    }

    /// <summary>The configuration (validated).</summary>
    public FocalOptions Options { get; }

    /// <inheritdoc />
    public string Name => "focal";

    /// <inheritdoc />
    public long IgnoreIndex => Options.IgnoreIndex;

    /// <summary>Computes the loss of one batch.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="masks">Labels <c>[N, H, W]</c>: 0..K−1 (0/1 when K = 1) or the ignore index.</param>
    /// <returns>A scalar loss tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentException">Shapes or dtypes do not match, or a label is out of range.</exception>
    public Tensor Compute(Tensor logits, Tensor masks)
    {
        long k = LossInput.Require(logits, masks, Options.IgnoreIndex, Name);

        using var scope = NewDisposeScope();
        Tensor labels = masks.to(int64);
        Tensor valid = ScalarArgs.NotEqual(labels, Options.IgnoreIndex);
        if (!valid.any().item<bool>())
        {
            return scope.MoveToOuter(ScalarMath.ConnectedZero(logits));
        }

        Tensor kept = labels.masked_select(valid);
        if (k == 1)
        {
            return scope.MoveToOuter(OneVsRest(logits.select(1, 0).masked_select(valid), kept.to(logits.dtype)));
        }

        Tensor total = zeros([], dtype: logits.dtype, device: logits.device);
        for (long c = 0; c < k; c++)
        {
            total = ScalarMath.Add(total, OneVsRest(logits.select(1, c).masked_select(valid), ScalarArgs.Equal(kept, c).to(logits.dtype)));
        }

        return scope.MoveToOuter(total);
    }

    /// <summary>smp's <c>focal_loss_with_logits</c> on flat logits and 0/1 targets of the counted pixels.</summary>
    private Tensor OneVsRest(Tensor z, Tensor t)
    {
        Tensor logPt = nn.functional.binary_cross_entropy_with_logits(z, t, reduction: nn.Reduction.None);
        Tensor pt = (-logPt).exp();
        Tensor focalTerm = Options.ReducedThreshold is double threshold
            ? where(ScalarArgs.Less(pt, threshold), ones_like(pt), ScalarMath.Power(ScalarMath.Divide(ScalarMath.Subtract(1.0, pt), threshold), Options.Gamma))
            : ScalarMath.Power(ScalarMath.Subtract(1.0, pt), Options.Gamma);
        Tensor loss = focalTerm * logPt;
        if (Options.Alpha is double alpha)
        {
            loss = loss * ScalarMath.Add(ScalarMath.Multiply(t, alpha), ScalarMath.Multiply(ScalarMath.Subtract(1.0, t), 1 - alpha));
        }

        if (Options.Normalized)
        {
            loss = loss / ScalarMath.ClampMin(focalTerm.sum(), NormalizationEpsilon);
        }

        return Options.Reduction == FocalReduction.Sum ? loss.sum() : loss.mean();
    }
}
