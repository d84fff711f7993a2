using static TorchSharp.torch;

namespace SegHeads.Tests.Infrastructure;

internal static class TensorAssert
{
    /// <summary>Max absolute difference over a mask (or everywhere).</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        Tensor d = (a.to(float64) - b.to(float64)).abs();
        if (mask is not null)
        {
            d = d.masked_select(mask.expand_as(d));
        }

        return d.numel() == 0 ? 0 : d.max().item<double>();
    }

    public static double MaxAbs(Tensor a)
    {
        using var scope = NewDisposeScope();
        return a.to(float64).abs().max().item<double>();
    }

    public static long[] Shape(Tensor t) => t.shape;
}
