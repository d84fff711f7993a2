using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Metrics;

/// <summary>
/// A K×K confusion matrix accumulated over batches (rows: target class, columns: predicted class).
/// Pixels whose target is the ignore index count nowhere.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] counts;

    /// <summary>Creates an empty matrix.</summary>
    /// <param name="numClasses">Classes K (2 for binary segmentation).</param>
    /// <param name="ignoreIndex">Target value that marks pixels to skip.</param>
    public ConfusionMatrix(int numClasses, long ignoreIndex = -100)
    {
        Shapes.RequirePositive(numClasses, nameof(numClasses));
        NumClasses = numClasses;
        IgnoreIndex = ignoreIndex;
        counts = new long[numClasses * numClasses];
    }

    /// <summary>Classes K.</summary>
    public int NumClasses { get; }

    /// <summary>The ignored target value.</summary>
    public long IgnoreIndex { get; }

    /// <summary>Pixels with target <paramref name="target"/> predicted as <paramref name="predicted"/>.</summary>
    public long this[int target, int predicted] => counts[(target * NumClasses) + predicted];

    /// <summary>Adds a batch of predictions.</summary>
    /// <param name="predictions">Predicted classes, any shape, an integer dtype (or bool for K = 2).</param>
    /// <param name="targets">Target classes of the same shape and an integer dtype (or bool); values in <c>[0, K)</c> or the ignore index.</param>
    /// <exception cref="ArgumentException">A tensor is floating point or complex (the message names the dtype), the shapes differ, or a value is out of range (the message names it).</exception>
    public void Update(Tensor predictions, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        RequireIntegral(predictions, nameof(predictions));
        RequireIntegral(targets, nameof(targets));
        if (!predictions.shape.SequenceEqual(targets.shape))
        {
            throw new ArgumentException(
                $"Predictions {Shapes.Format(predictions)} and targets {Shapes.Format(targets)} must have the same shape.", nameof(predictions));
        }

        using var scope = NewDisposeScope();
        Tensor t = targets.to(int64).flatten();
        Tensor p = predictions.to(int64).flatten();
        Tensor valid = ScalarArgs.NotEqual(t, IgnoreIndex);
        t = t.masked_select(valid);
        p = p.masked_select(valid);
        if (t.numel() == 0)
        {
            return;
        }

        CheckRange(t, "target");
        CheckRange(p, "prediction");
        long[] batch = bincount(ScalarMath.Add(ScalarMath.Multiply(t, (long)NumClasses), p), minlength: NumClasses * NumClasses).cpu().data<long>().ToArray();
        for (int i = 0; i < counts.Length; i++)
        {
            counts[i] += batch[i];
        }
    }

    /// <summary>Adds counts directly (row: target, column: predicted).</summary>
    public void Add(int target, int predicted, long count)
    {
        if (target < 0 || target >= NumClasses || predicted < 0 || predicted >= NumClasses || count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(target), $"Need classes in [0, {NumClasses}) and a non-negative count, but got ({target}, {predicted}, {count}).");
        }

        counts[(target * NumClasses) + predicted] += count;
    }

    /// <summary>Clears all counts.</summary>
    public void Reset() => Array.Clear(counts);

    /// <summary>Computes the metrics.</summary>
    public SegmentationMetrics Compute()
    {
        int k = NumClasses;
        long total = counts.Sum();
        long correct = 0;
        var iou = new double[k];
        var dice = new double[k];
        var recall = new List<double>();
        for (int c = 0; c < k; c++)
        {
            long tp = this[c, c];
            long row = 0;
            long column = 0;
            for (int j = 0; j < k; j++)
            {
                row += this[c, j];
                column += this[j, c];
            }

            correct += tp;
            long fp = column - tp;
            long fn = row - tp;
            long union = tp + fp + fn;
            iou[c] = union == 0 ? double.NaN : (double)tp / union;
            dice[c] = union == 0 ? double.NaN : 2.0 * tp / ((2 * tp) + fp + fn);
            if (row > 0)
            {
                recall.Add((double)tp / row);
            }
        }

        return new SegmentationMetrics(
            total == 0 ? double.NaN : (double)correct / total,
            recall.Count == 0 ? double.NaN : recall.Average(),
            iou,
            NanMean(iou),
            dice,
            NanMean(dice),
            total);
    }

    private static void RequireIntegral(Tensor values, string paramName)
    {
        // NOTE: converting 1.7 to int64 would silently count it as class 1: class indices must
        // arrive as integers (argmax gives int64), never as probabilities or rounded floats.
        if (values.is_floating_point() || values.is_complex())
        {
            throw new ArgumentException(
                $"{paramName} must hold integer class indices (an integer or bool dtype), but got dtype {values.dtype}; take argmax over the class dimension first.",
                paramName);
        }
    }

    private void CheckRange(Tensor values, string what)
    {
        long min = values.min().item<long>();
        long max = values.max().item<long>();
        if (min < 0 || max >= NumClasses)
        {
            throw new ArgumentException(
                $"Every {what} must be in [0, {NumClasses}) or the ignore index {IgnoreIndex}, but found values from {min} to {max}.");
        }
    }

    private static double NanMean(double[] values)
    {
        double[] present = values.Where(v => !double.IsNaN(v)).ToArray();
        return present.Length == 0 ? double.NaN : present.Average();
    }
}
