using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// Soft Dice loss on logits <c>[N, K, H, W]</c> and masks <c>[N, H, W]</c>, defined as
/// segmentation_models.pytorch's <c>DiceLoss</c> (modes <c>multiclass</c> for K ≥ 2 and
/// <c>binary</c> for K = 1; smp's <c>losses/dice.py</c> and <c>soft_dice_score</c>).
/// </summary>
/// <remarks>
/// <para>
/// Probabilities <c>p</c> come from a softmax over dim 1 (a sigmoid when K = 1), targets <c>t</c>
/// are the one-hot masks (the mask itself when K = 1); ignored pixels are zeroed in both. Per class
/// <c>c</c>, summing over batch and pixels together: <c>score_c = (2·Σ p·t + smooth) / max(Σ (p + t) + smooth, eps)</c>,
/// <c>loss_c = 1 − score_c</c> (or <c>−log max(score_c, eps)</c> with <see cref="DiceOptions.LogLoss"/>).
/// </para>
/// <para>
/// Classes absent from the batch's target (<c>Σ t_c = 0</c>) contribute 0 but still count in the
/// mean, exactly as smp does; the loss is the mean over all K classes, or over
/// <see cref="DiceOptions.Classes"/>. A batch in which every pixel is ignored gives 0, connected to the graph.
/// </para>
/// </remarks>
public sealed class DiceLoss : ISegmentationLoss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for smp's defaults.</param>
    /// <exception cref="ArgumentException">An option is invalid (see <see cref="DiceOptions.Validate"/>).</exception>
    public DiceLoss(DiceOptions? options = null)
    {
        Options = (options ?? new DiceOptions()).Validate();
    }

    /// <summary>The configuration (validated).</summary>
    public DiceOptions Options { get; }

    /// <inheritdoc />
    public string Name => Options.LogLoss ? "log-dice" : "dice";

    /// <inheritdoc />
    public long IgnoreIndex => Options.IgnoreIndex;

    /// <summary>Computes the loss of one batch.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>, or probabilities when <see cref="DiceOptions.FromLogits"/> is false.</param>
    /// <param name="masks">Labels <c>[N, H, W]</c>: 0..K−1 (0/1 when K = 1) or the ignore index.</param>
    /// <returns>A scalar loss tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentException">
    /// Shapes or dtypes do not match, a label is out of range, or <see cref="DiceOptions.Classes"/>
    /// is set for K = 1 or names a class ≥ K.
    /// </exception>
    public Tensor Compute(Tensor logits, Tensor masks)
    {
        long k = LossInput.Require(logits, masks, Options.IgnoreIndex, Name);
        RequireClassesFit(k, nameof(logits));

        using var scope = NewDisposeScope();
        Tensor labels = masks.to(int64);
        Tensor valid = ScalarArgs.NotEqual(labels, Options.IgnoreIndex).unsqueeze(1);
        Tensor validFloat = valid.to(logits.dtype);

        // NOTE: log_softmax(..).exp() rather than softmax, as smp does (its reason: stabler at 0 and 1).
        Tensor probabilities = !Options.FromLogits ? logits
            : k == 1 ? nn.functional.logsigmoid(logits).exp() : logits.log_softmax(1).exp();
        Tensor p = probabilities * validFloat;

        // NOTE: ignored pixels get label 0 before the one-hot and are then zeroed, as smp's
        // (y_true * mask) does; this also works when the ignore index is a class number.
        Tensor safeLabels = labels.unsqueeze(1) * valid;
        Tensor t = k == 1
            ? safeLabels.to(logits.dtype)
            : nn.functional.one_hot(safeLabels.squeeze(1), k).permute(0, 3, 1, 2).to(logits.dtype) * validFloat;

        long[] dims = [0, 2, 3];
        Tensor intersection = (p * t).sum(dims);
        Tensor cardinality = ScalarMath.Add(p, t).sum(dims);
        Tensor numerator = ScalarMath.Add(ScalarMath.Multiply(intersection, 2.0), Options.Smooth);
        Tensor score = numerator / ScalarMath.ClampMin(ScalarMath.Add(cardinality, Options.Smooth), Options.Epsilon);
        Tensor loss = Options.LogLoss ? -ScalarMath.ClampMin(score, Options.Epsilon).log() : ScalarMath.Subtract(1.0, score);

        // NOTE: smp zeroes the loss of classes absent from the target (Dice is undefined there)
        // but keeps them in the mean's denominator; so does this.
        Tensor present = ScalarArgs.Greater(t.sum(dims), 0.0).to(loss.dtype);
        loss = loss * present;
        if (Options.Classes is not null)
        {
            loss = loss.index_select(0, tensor(Options.Classes.Select(c => (long)c).ToArray(), device: loss.device));
        }

        return scope.MoveToOuter(loss.mean());
    }

    private void RequireClassesFit(long k, string paramName)
    {
        if (Options.Classes is null)
        {
            return;
        }

        if (k == 1)
        {
            throw new ArgumentException(
                $"DiceOptions.Classes applies to K ≥ 2 logit channels, but the logits have K = 1 (binary); leave Classes null, as smp's binary mode requires.", paramName);
        }

        int beyond = Options.Classes.FirstOrDefault(c => c >= k, -1);
        if (beyond >= 0)
        {
            throw new ArgumentException($"DiceOptions.Classes lists class {beyond}, but the logits have K = {k} classes (0..{k - 1}).", paramName);
        }
    }
}
