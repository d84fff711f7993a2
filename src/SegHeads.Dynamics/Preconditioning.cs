using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics;

/// <summary>
/// Depth as a preconditioner: the end-to-end update of a deep linear network under gradient descent
/// (Arora, Cohen and Hazan, "On the optimization of deep networks: implicit acceleration by
/// overparameterization", ICML 2018, Theorem 1), and the balanced initialisation it assumes.
/// </summary>
/// <remarks>
/// For <c>W_e = W_N ⋯ W_1</c> (each <c>W_j</c> is <c>[d_j, d_{j−1}]</c>, e.g. a stack of 1x1 convs) trained by
/// gradient descent with step η on a loss <c>L(W_e)</c>, one step of every factor moves the product by
/// <c>ΔW_e = −η Σ_{j=1..N} (W_e W_eᵀ)^{(N−j)/N} ∇L(W_e) (W_eᵀ W_e)^{(j−1)/N} + O(η²)</c>, provided the
/// factors are balanced (<c>W_{j+1}ᵀ W_{j+1} = W_j W_jᵀ</c>). Reindexing j → N + 1 − j gives the same sum
/// with the powers swapped, so both ways of writing it in the literature agree. Without balance the
/// first-order term is still <c>−η Σ_j (W_{N:j+1} W_{N:j+1}ᵀ) ∇L (W_{j−1:1}ᵀ W_{j−1:1})</c>, but it is no
/// longer a function of <c>W_e</c> alone, and the formula above is off at first order.
/// </remarks>
public static class Preconditioning
{
    /// <summary>
    /// The first-order end-to-end update of Theorem 1:
    /// <c>−η Σ_{j=1..N} (W_e W_eᵀ)^{(N−j)/N} G (W_eᵀ W_e)^{(j−1)/N}</c>.
    /// </summary>
    /// <param name="endToEnd">The end-to-end map <c>W_e</c>, <c>[out, in]</c>.</param>
    /// <param name="gradient">The loss gradient with respect to the end-to-end map, <c>∇L(W_e)</c>, <c>[out, in]</c>.</param>
    /// <param name="depth">The number of factors N (1 gives plain gradient descent, <c>−η G</c>).</param>
    /// <param name="learningRate">The step η of gradient descent on each factor.</param>
    /// <returns>
    /// The predicted <c>W_e(t+1) − W_e(t)</c>, <c>[out, in]</c>, in the dtype of <paramref name="endToEnd"/>.
    /// Computed in float64; the fractional powers of the positive semidefinite Gram matrices come from
    /// a symmetric eigendecomposition with eigenvalues clamped at 0 (rounding can make them slightly negative).
    /// </returns>
    /// <exception cref="ArgumentException">A tensor is not a matrix, or the shapes differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="depth"/> is below 1 or <paramref name="learningRate"/> is not positive and finite.</exception>
    public static Tensor PredictedUpdate(Tensor endToEnd, Tensor gradient, int depth, double learningRate)
    {
        ArgumentNullException.ThrowIfNull(endToEnd);
        ArgumentNullException.ThrowIfNull(gradient);
        RequireMatrix(endToEnd, nameof(endToEnd));
        if (!gradient.shape.SequenceEqual(endToEnd.shape))
        {
            throw new ArgumentException(
                $"The gradient must have the end-to-end map's shape {Format(endToEnd)}, but has shape {Format(gradient)}.", nameof(gradient));
        }

        if (depth < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(depth), depth, $"The depth must be at least 1, but was {depth}.");
        }

        RequireStep(learningRate);
        using var scope = NewDisposeScope();
        Tensor w = endToEnd.detach().to(float64);
        Tensor g = gradient.detach().to(float64);
        var left = new SymmetricPower(w.matmul(w.T));
        var right = new SymmetricPower(w.T.matmul(w));
        using Scalar one = 1.ToScalar();
        using Scalar rate = (-learningRate).ToScalar();
        Tensor sum = zeros_like(g);
        for (int j = 1; j <= depth; j++)
        {
            sum = sum.add(left.Power((double)(depth - j) / depth).matmul(g).matmul(right.Power((double)(j - 1) / depth)), one);
        }

        return scope.MoveToOuter(sum.mul(rate).to(endToEnd.dtype));
    }

    /// <summary>
    /// The first-order end-to-end update computed from the factors themselves, balanced or not:
    /// <c>−η Σ_{j=1..N} (W_{N:j+1} W_{N:j+1}ᵀ) G (W_{j−1:1}ᵀ W_{j−1:1})</c>, where <c>W_{b:a} = W_b ⋯ W_a</c> (the identity
    /// when empty). It equals <see cref="PredictedUpdate"/> on balanced factors; the gap between the two is the
    /// part of Theorem 1's error caused by imbalance, and the gap to a real step is the O(η²) part.
    /// </summary>
    /// <param name="factors">The factors <c>W_1 … W_N</c> in the order they apply, <c>W_j</c> of shape <c>[d_j, d_{j−1}]</c>.</param>
    /// <param name="gradient">The loss gradient with respect to the end-to-end map, <c>[d_N, d_0]</c>.</param>
    /// <param name="learningRate">The step η of gradient descent on each factor.</param>
    /// <returns>The first-order <c>W_e(t+1) − W_e(t)</c>, <c>[d_N, d_0]</c>, float64.</returns>
    /// <exception cref="ArgumentException">The shapes do not chain or the gradient does not match the product.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    public static Tensor FirstOrderUpdate(IReadOnlyList<Tensor> factors, Tensor gradient, double learningRate)
    {
        RequireChain(factors);
        ArgumentNullException.ThrowIfNull(gradient);
        long[] expected = [factors[^1].shape[0], factors[0].shape[1]];
        if (!gradient.shape.SequenceEqual(expected))
        {
            throw new ArgumentException(
                $"The gradient must have the product's shape [{string.Join(", ", expected)}], but has shape {Format(gradient)}.", nameof(gradient));
        }

        RequireStep(learningRate);
        using var scope = NewDisposeScope();
        Tensor[] w = factors.Select(f => f.detach().to(float64)).ToArray();
        Tensor g = gradient.detach().to(float64);
        Tensor sum = zeros_like(g);
        for (int j = 0; j < w.Length; j++)
        {
            Tensor left = w.Length - 1 == j ? eye(g.shape[0], dtype: float64, device: g.device) : Gram(Product(w[(j + 1)..]), outer: true);
            Tensor right = j == 0 ? eye(g.shape[1], dtype: float64, device: g.device) : Gram(Product(w[..j]), outer: false);
            sum += left.matmul(g).matmul(right);
        }

        return scope.MoveToOuter(-learningRate * sum);
    }

    /// <summary>
    /// Factors <paramref name="endToEnd"/> into a balanced chain: with the SVD <c>W_e = U Σ Vᵀ</c> and random
    /// matrices <c>R_j</c> with orthonormal columns, <c>W_1 = R_1 Σ^{1/N} Vᵀ</c>, <c>W_j = R_j Σ^{1/N} R_{j−1}ᵀ</c>,
    /// <c>W_N = U Σ^{1/N} R_{N−1}ᵀ</c>, so that <c>W_{j+1}ᵀ W_{j+1} = R_j Σ^{2/N} R_jᵀ = W_j W_jᵀ</c>
    /// (the construction behind Arora et al.'s balanced initialisation).
    /// </summary>
    /// <param name="endToEnd">The end-to-end map to factor, <c>[out, in]</c>; a random matrix gives a random balanced start.</param>
    /// <param name="hiddenWidths">The widths <c>d_1 … d_{N−1}</c> between the factors; empty gives one factor.</param>
    /// <param name="generator">Random source of the hidden rotations; <see langword="null"/> for the default generator.</param>
    /// <returns>
    /// The factors <c>W_1 … W_N</c> in the order they apply, <c>W_j</c> of shape <c>[d_j, d_{j−1}]</c>, float64, new leaf
    /// tensors. Their product is <paramref name="endToEnd"/>, or its best approximation of rank r (Eckart–Young)
    /// when a hidden width r is smaller than its rank.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="endToEnd"/> is not a matrix.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A hidden width is not positive.</exception>
    public static Tensor[] Balance(Tensor endToEnd, IReadOnlyList<int> hiddenWidths, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(endToEnd);
        ArgumentNullException.ThrowIfNull(hiddenWidths);
        RequireMatrix(endToEnd, nameof(endToEnd));
        for (int i = 0; i < hiddenWidths.Count; i++)
        {
            if (hiddenWidths[i] < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(hiddenWidths), hiddenWidths[i],
                    $"Hidden widths must be positive, but width {i + 1} of [{string.Join(", ", hiddenWidths)}] was {hiddenWidths[i]}.");
            }
        }

        int depth = hiddenWidths.Count + 1;
        using var scope = NewDisposeScope();
        var (u, s, vh) = linalg.svd(endToEnd.detach().to(float64), fullMatrices: false);
        int rank = (int)Math.Min(s.shape[0], hiddenWidths.Count == 0 ? long.MaxValue : hiddenWidths.Min());
        using Scalar rootExponent = (1.0 / depth).ToScalar();
        Tensor root = diag(s[TensorIndex.Slice(0, rank)].pow(rootExponent));
        Tensor left = u[TensorIndex.Colon, TensorIndex.Slice(0, rank)];
        Tensor right = vh[TensorIndex.Slice(0, rank)];
        Tensor[] rotations = hiddenWidths.Select(width => Orthonormal(width, rank, endToEnd.device, generator)).ToArray();
        var factors = new Tensor[depth];
        for (int j = 0; j < depth; j++)
        {
            Tensor output = j == depth - 1 ? left : rotations[j];
            Tensor input = j == 0 ? right : rotations[j - 1].T;
            factors[j] = output.matmul(root).matmul(input).contiguous().MoveToOuterDisposeScope();
        }

        return factors;
    }

    /// <summary>The end-to-end map <c>W_N ⋯ W_1</c> of a chain of factors.</summary>
    /// <param name="factors">The factors <c>W_1 … W_N</c> in the order they apply, <c>W_j</c> of shape <c>[d_j, d_{j−1}]</c>.</param>
    /// <returns>The product, <c>[d_N, d_0]</c>.</returns>
    /// <exception cref="ArgumentException">The list is empty or the shapes do not chain.</exception>
    public static Tensor Product(IReadOnlyList<Tensor> factors)
    {
        RequireChain(factors);
        using var scope = NewDisposeScope();
        Tensor product = factors[0];
        for (int j = 1; j < factors.Count; j++)
        {
            product = factors[j].matmul(product);
        }

        return scope.MoveToOuter(factors.Count == 1 ? product.clone() : product);
    }

    /// <summary>
    /// How far a chain is from balanced: <c>max_j ‖W_{j+1}ᵀ W_{j+1} − W_j W_jᵀ‖_F</c> (0 for one factor). Gradient flow
    /// keeps this constant; each discrete gradient step changes it by O(η²), so it measures the drift of training.
    /// </summary>
    /// <param name="factors">The factors <c>W_1 … W_N</c> in the order they apply, <c>W_j</c> of shape <c>[d_j, d_{j−1}]</c>.</param>
    /// <exception cref="ArgumentException">The list is empty or the shapes do not chain.</exception>
    public static double Imbalance(IReadOnlyList<Tensor> factors)
    {
        RequireChain(factors);
        using var scope = NewDisposeScope();
        double worst = 0;
        for (int j = 0; j + 1 < factors.Count; j++)
        {
            Tensor below = factors[j].detach().to(float64);
            Tensor above = factors[j + 1].detach().to(float64);
            worst = Math.Max(worst, linalg.norm(above.T.matmul(above) - below.matmul(below.T)).ToDouble());
        }

        return worst;
    }

    /// <summary>Whether <see cref="Imbalance"/> is at most <paramref name="tolerance"/>.</summary>
    /// <param name="factors">The factors <c>W_1 … W_N</c> in the order they apply.</param>
    /// <param name="tolerance">The largest allowed Frobenius norm of a difference (not negative).</param>
    /// <exception cref="ArgumentException">The list is empty or the shapes do not chain.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative or NaN.</exception>
    public static bool IsBalanced(IReadOnlyList<Tensor> factors, double tolerance)
    {
        if (!(tolerance >= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, $"The tolerance must be at least 0, but was {tolerance}.");
        }

        return Imbalance(factors) <= tolerance;
    }

    private static Tensor Orthonormal(int rows, int columns, Device device, Generator? generator)
    {
        // Orthonormal columns need rows >= columns; Balance caps the rank at the smallest width.
        var (q, r) = linalg.qr(randn([rows, columns], dtype: float64, generator: generator));
        return (q * r.diagonal().sign()).to(device);
    }

    private static Tensor Gram(Tensor m, bool outer) => outer ? m.matmul(m.T) : m.T.matmul(m);

    private static void RequireStep(double learningRate)
    {
        if (!double.IsFinite(learningRate) || learningRate <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, $"The learning rate must be positive and finite, but was {learningRate}.");
        }
    }

    private static void RequireMatrix(Tensor t, string name)
    {
        if (t.dim() != 2)
        {
            throw new ArgumentException($"Expected a matrix [out, in], but got shape {Format(t)}.", name);
        }
    }

    private static void RequireChain(IReadOnlyList<Tensor> factors)
    {
        ArgumentNullException.ThrowIfNull(factors);
        if (factors.Count == 0)
        {
            throw new ArgumentException("Expected at least one factor, but the list is empty.", nameof(factors));
        }

        for (int j = 0; j < factors.Count; j++)
        {
            ArgumentNullException.ThrowIfNull(factors[j], nameof(factors));
            if (factors[j].dim() != 2)
            {
                throw new ArgumentException($"Factor {j + 1} must be a matrix [out, in], but has shape {Format(factors[j])}.", nameof(factors));
            }

            if (j > 0 && factors[j].shape[1] != factors[j - 1].shape[0])
            {
                throw new ArgumentException(
                    $"Factor {j + 1} must take {factors[j - 1].shape[0]} inputs (the outputs of factor {j}, {Format(factors[j - 1])}), but has shape {Format(factors[j])}.",
                    nameof(factors));
            }
        }
    }

    private static string Format(Tensor t) => $"[{string.Join(", ", t.shape)}]";
}
