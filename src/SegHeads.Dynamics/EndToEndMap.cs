using SegHeads.Heads;
using SegHeads.Reparam;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics;

/// <summary>
/// Reads the end-to-end linear map of a linear head (its collapse) and compares maps.
/// Assumes the head is linear in eval mode; batch norms contribute through their running statistics.
/// </summary>
public static class EndToEndMap
{
    /// <summary>Captures the head's current end-to-end map.</summary>
    /// <param name="head">A linear head.</param>
    /// <param name="step">The step to record with the snapshot.</param>
    /// <exception cref="InvalidOperationException">The head is not linear.</exception>
    public static EndToEndSnapshot Capture(SegmentationHead head, long step = 0)
    {
        ArgumentNullException.ThrowIfNull(head);
        using ConvKernel kernel = head.Collapse();
        using var scope = NewDisposeScope();
        Tensor w = kernel.Weight.detach().to(float64).cpu();
        Tensor matrix = w.reshape(w.shape[0], -1);
        double[] singular = linalg.svdvals(matrix).data<double>().ToArray();
        return new EndToEndSnapshot(step, w.shape, w.contiguous().data<double>().ToArray(), kernel.Bias.to(float64).cpu().data<double>().ToArray(), singular);
    }

    /// <summary>
    /// Frobenius distance between two maps' weights (biases included), with the smaller kernel
    /// embedded at the centre of the larger so that maps of different receptive fields compare.
    /// </summary>
    /// <exception cref="ArgumentException">The channel counts differ.</exception>
    public static double Distance(EndToEndSnapshot a, EndToEndSnapshot b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Shape[0] != b.Shape[0] || a.Shape[1] != b.Shape[1])
        {
            throw new ArgumentException(
                $"Maps must have the same classes and channels, but got [{string.Join(", ", a.Shape)}] and [{string.Join(", ", b.Shape)}].", nameof(b));
        }

        using var scope = NewDisposeScope();
        int k = Math.Max(a.KernelSize, b.KernelSize);
        Tensor wa = Embed(a, k);
        Tensor wb = Embed(b, k);
        using Scalar two = 2.ToScalar();
        double weights = (wa - wb).pow(two).sum().ToDouble();
        double biases = a.Bias.Zip(b.Bias, (x, y) => (x - y) * (x - y)).Sum();
        return Math.Sqrt(weights + biases);
    }

    /// <summary><see cref="Distance"/> divided by the Frobenius norm of <paramref name="reference"/>.</summary>
    public static double RelativeDistance(EndToEndSnapshot value, EndToEndSnapshot reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        double norm = Math.Sqrt(reference.Weight.Sum(v => v * v) + reference.Bias.Sum(v => v * v));
        return norm == 0 ? double.NaN : Distance(value, reference) / norm;
    }

    private static Tensor Embed(EndToEndSnapshot s, int k)
    {
        Tensor w = tensor(s.Weight.ToArray(), s.Shape.ToArray(), dtype: float64);
        int pad = (k - s.KernelSize) / 2;
        return pad == 0 ? w : nn.functional.pad(w, [pad, pad, pad, pad]);
    }
}
