using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Internal;

/// <summary>
/// Tensor–scalar operations with explicitly owned scalars. TorchSharp 0.107 turns a C# number into a
/// finalizable <see cref="Scalar"/> and passes its raw handle to native code without keeping the
/// object alive: a garbage collection started by another thread during the call can finalize the
/// scalar while libtorch still reads it ("Unknown scalar type" or "Expected false to be true").
/// A <c>using</c> scalar lives until the end of the call.
/// </summary>
internal static class ScalarArgs
{
    /// <summary>Calls <paramref name="op"/> with <paramref name="value"/> as a scalar that lives until the call returns.</summary>
    /// <param name="value">The number (kept integral: integer tensors stay integer).</param>
    /// <param name="op">The tensor operation taking the scalar.</param>
    /// <returns>What <paramref name="op"/> returns.</returns>
    public static Tensor With(long value, Func<Scalar, Tensor> op)
    {
        using Scalar s = value.ToScalar();
        return op(s);
    }

    /// <summary>Calls <paramref name="op"/> with <paramref name="value"/> as a scalar that lives until the call returns.</summary>
    /// <param name="value">The number.</param>
    /// <param name="op">The tensor operation taking the scalar.</param>
    /// <returns>What <paramref name="op"/> returns.</returns>
    public static Tensor With(double value, Func<Scalar, Tensor> op)
    {
        using Scalar s = value.ToScalar();
        return op(s);
    }

    /// <summary>Pixels whose label is outside <c>[0, classes)</c> and not <paramref name="ignoreIndex"/> (null: none ignored).</summary>
    /// <param name="labels">Integer labels of any shape.</param>
    /// <param name="classes">Valid labels are <c>0..classes−1</c>.</param>
    /// <param name="ignoreIndex">A label that is never out of range, or null.</param>
    /// <returns>A bool tensor shaped like <paramref name="labels"/>.</returns>
    public static Tensor OutOfRange(Tensor labels, long classes, long? ignoreIndex)
    {
        using Scalar zero = 0L.ToScalar();
        using Scalar top = classes.ToScalar();
        using Tensor below = labels.lt(zero);
        using Tensor above = labels.ge(top);
        if (ignoreIndex is not long ignore)
        {
            return below.logical_or(above);
        }

        using Scalar ignored = ignore.ToScalar();
        using Tensor outside = below.logical_or(above);
        using Tensor counted = labels.ne(ignored);
        return outside.logical_and(counted);
    }

    /// <summary><c>labels != value</c> elementwise.</summary>
    /// <param name="labels">Any tensor.</param>
    /// <param name="value">The value to compare with.</param>
    /// <returns>A bool tensor shaped like <paramref name="labels"/>.</returns>
    public static Tensor NotEqual(Tensor labels, long value) => With(value, s => labels.ne(s));

    /// <summary><c>values > threshold</c> elementwise.</summary>
    /// <param name="values">Any tensor.</param>
    /// <param name="threshold">The threshold.</param>
    /// <returns>A bool tensor shaped like <paramref name="values"/>.</returns>
    public static Tensor Greater(Tensor values, double threshold) => With(threshold, s => values.gt(s));

    /// <summary><c>values &lt; threshold</c> elementwise.</summary>
    /// <param name="values">Any tensor.</param>
    /// <param name="threshold">The threshold.</param>
    /// <returns>A bool tensor shaped like <paramref name="values"/>.</returns>
    public static Tensor Less(Tensor values, double threshold) => With(threshold, s => values.lt(s));

    /// <summary><c>labels == value</c> elementwise.</summary>
    /// <param name="labels">Any tensor.</param>
    /// <param name="value">The value to compare with.</param>
    /// <returns>A bool tensor shaped like <paramref name="labels"/>.</returns>
    public static Tensor Equal(Tensor labels, long value) => With(value, s => labels.eq(s));

    /// <summary>Clamps into <c>[min, max]</c>.</summary>
    /// <param name="values">Any tensor.</param>
    /// <param name="min">Lower bound.</param>
    /// <param name="max">Upper bound.</param>
    /// <returns>A new tensor shaped like <paramref name="values"/>.</returns>
    public static Tensor Clamp(Tensor values, long min, long max)
    {
        using Scalar lo = min.ToScalar();
        using Scalar hi = max.ToScalar();
        return values.clamp(lo, hi);
    }
}
