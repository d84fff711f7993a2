using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Internal;

/// <summary>
/// Tensor arithmetic with explicitly owned scalars, for code that runs every step or forward.
/// TorchSharp 0.107's operators turn a C# number into a finalizable <see cref="Scalar"/>, and even
/// <c>a + b</c> of two tensors passes an implicit <c>alpha = 1</c>; native code gets the raw
/// handle while nothing keeps the object alive, so a collection on another thread can free it
/// mid-call (see <see cref="ScalarArgs"/>). Each method calls the same native operation as the
/// operator it replaces, so results are bitwise those of the operator.
/// </summary>
internal static class ScalarMath
{
    /// <summary><c>a + b</c> (broadcasting).</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="b">A tensor broadcastable with <paramref name="a"/>.</param>
    /// <returns>A new tensor of the broadcast shape.</returns>
    public static Tensor Add(Tensor a, Tensor b)
    {
        using Scalar one = 1.ToScalar();
        return a.add(b, one);
    }

    /// <summary><c>target += b</c> in place.</summary>
    /// <param name="target">The tensor to update.</param>
    /// <param name="b">A tensor broadcastable to <paramref name="target"/>'s shape.</param>
    /// <returns><paramref name="target"/>.</returns>
    public static Tensor AddInPlace(Tensor target, Tensor b)
    {
        using Scalar one = 1.ToScalar();
        return target.add_(b, one);
    }

    /// <summary><c>a + b</c> for a number <paramref name="b"/>.</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="b">The number to add.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Add(Tensor a, double b)
    {
        using Scalar s = b.ToScalar();
        using Scalar one = 1.ToScalar();
        return a.add(s, one);
    }

    /// <summary><c>a − b</c> for a number <paramref name="a"/>, computed as the operator does: <c>(−b) + a</c>.</summary>
    /// <param name="a">The number.</param>
    /// <param name="b">Any tensor.</param>
    /// <returns>A new tensor shaped like <paramref name="b"/>.</returns>
    public static Tensor Subtract(double a, Tensor b)
    {
        using Scalar s = a.ToScalar();
        using Scalar one = 1.ToScalar();
        using Tensor negated = b.negative();
        return negated.add(s, one);
    }

    /// <summary><c>a · b</c> for a floating-point number <paramref name="b"/>.</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="b">The factor.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Multiply(Tensor a, double b) => ScalarArgs.With(b, s => a.mul(s));

    /// <summary><c>a · b</c> for an integer <paramref name="b"/> (keeps integer tensors integer).</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="b">The factor.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Multiply(Tensor a, long b) => ScalarArgs.With(b, s => a.mul(s));

    /// <summary><c>a / b</c> for a number <paramref name="b"/> (true division).</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="b">The divisor.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Divide(Tensor a, double b) => ScalarArgs.With(b, s => a.div(s));

    /// <summary><c>a^b</c> elementwise.</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="exponent">The exponent.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor Power(Tensor a, double exponent) => ScalarArgs.With(exponent, s => a.pow(s));

    /// <summary><c>max(a, min)</c> elementwise.</summary>
    /// <param name="a">Any tensor.</param>
    /// <param name="min">The lower bound.</param>
    /// <returns>A new tensor shaped like <paramref name="a"/>.</returns>
    public static Tensor ClampMin(Tensor a, double min) => ScalarArgs.With(min, s => a.clamp_min(s));

    /// <summary>
    /// A zero that carries the gradient graph of <paramref name="connectTo"/> (<c>Σ connectTo · 0</c>):
    /// the loss of a batch with nothing to count, so that <c>backward</c> still reaches the model.
    /// </summary>
    /// <param name="connectTo">Any floating-point tensor, usually the logits.</param>
    /// <returns>A 0-dim tensor of <paramref name="connectTo"/>'s dtype.</returns>
    public static Tensor ConnectedZero(Tensor connectTo)
    {
        using Tensor sum = connectTo.sum();
        return Multiply(sum, 0L);
    }
}
