using System.Globalization;
using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// A weighted sum of losses, <c>Σ wᵢ · lossᵢ(logits, masks)</c>, e.g.
/// <c>new WeightedLossSum((1.0, new PixelCrossEntropy()), (0.5, new DiceLoss()))</c>.
/// Every part must use the same <see cref="ISegmentationLoss.IgnoreIndex"/>, because the trainer's
/// metrics skip one set of pixels for the whole loss.
/// </summary>
public sealed class WeightedLossSum : ISegmentationLoss
{
    /// <summary>Creates the sum.</summary>
    /// <param name="parts">At least one (weight, loss) pair; weights finite and non-negative.</param>
    /// <exception cref="ArgumentException">No parts, a null loss, or two parts with different ignore indices (the message names both).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A weight is negative or not finite.</exception>
    public WeightedLossSum(params (double Weight, ISegmentationLoss Loss)[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0)
        {
            throw new ArgumentException("A weighted loss sum needs at least one (weight, loss) part, but got none.", nameof(parts));
        }

        for (int i = 0; i < parts.Length; i++)
        {
            var (weight, loss) = parts[i];
            if (loss is null)
            {
                throw new ArgumentException($"Part {i} of the weighted loss sum has no loss (null).", nameof(parts));
            }

            if (!(weight >= 0) || double.IsInfinity(weight))
            {
                throw new ArgumentOutOfRangeException(nameof(parts), weight, $"The weight of part {i} ('{loss.Name}') must be finite and non-negative, but was {weight}.");
            }

            if (loss.IgnoreIndex != parts[0].Loss.IgnoreIndex)
            {
                throw new ArgumentException(
                    $"All parts of a weighted loss sum must share one ignore index, but '{parts[0].Loss.Name}' ignores {parts[0].Loss.IgnoreIndex} and '{loss.Name}' (part {i}) ignores {loss.IgnoreIndex}.",
                    nameof(parts));
            }
        }

        Parts = [.. parts];
        Name = string.Join(" + ", Parts.Select(p => $"{p.Weight.ToString("G", CultureInfo.InvariantCulture)}*{p.Loss.Name}"));
    }

    /// <summary>The (weight, loss) parts in order.</summary>
    public IReadOnlyList<(double Weight, ISegmentationLoss Loss)> Parts { get; }

    /// <summary>The parts' names with their weights, e.g. <c>"1*cross-entropy + 0.5*dice"</c>.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public long IgnoreIndex => Parts[0].Loss.IgnoreIndex;

    /// <summary>Computes <c>Σ wᵢ · lossᵢ</c> of one batch.</summary>
    /// <param name="logits">Logits <c>[N, K, H, W]</c>.</param>
    /// <param name="masks">Labels <c>[N, H, W]</c>.</param>
    /// <returns>A scalar loss tensor, owned by the caller.</returns>
    /// <exception cref="ArgumentException">A part rejects the input, or returns a tensor that is not a scalar (the message names the part).</exception>
    public Tensor Compute(Tensor logits, Tensor masks)
    {
        using var scope = NewDisposeScope();
        Tensor? total = null;
        foreach (var (weight, loss) in Parts)
        {
            Tensor part = loss.Compute(logits, masks);
            if (part.numel() != 1)
            {
                throw new ArgumentException(
                    $"Part '{loss.Name}' of the weighted loss sum must return a scalar, but returned shape [{string.Join(", ", part.shape)}].", nameof(logits));
            }

            Tensor term = ScalarMath.Multiply(part.reshape([]), weight);
            total = total is null ? term : ScalarMath.Add(total, term);
        }

        return scope.MoveToOuter(total!);
    }
}
