using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics.Tests;

/// <summary>
/// A fixed least-squares problem <c>L(W) = ½/n ‖W X − Y‖²_F</c> with X <c>[3, 20]</c>, Y <c>[4, 20]</c> and a
/// random start map <c>[4, 3]</c>, all float64; measures one real gradient step of a chain of factors.
/// Tensors belong to the caller's dispose scope.
/// </summary>
internal sealed class LeastSquares
{
    private const int Samples = 20;
    private readonly Tensor x;
    private readonly Tensor y;

    public LeastSquares(int seed)
    {
        var generator = new Generator((ulong)seed);
        x = randn([3, Samples], dtype: float64, generator: generator);
        y = randn([4, Samples], dtype: float64, generator: generator);
        Start = randn([4, 3], dtype: float64, generator: generator);
    }

    public Tensor Start { get; }

    public Tensor Loss(Tensor w) => 0.5 / Samples * (w.matmul(x) - y).pow(2).sum();

    /// <summary>∇L(W) = (W X − Y) Xᵀ / n.</summary>
    public Tensor Gradient(Tensor w) => (w.matmul(x) - y).matmul(x.T) / Samples;

    /// <summary>
    /// Takes one gradient step of size <paramref name="eta"/> on copies of the factors (autograd through the
    /// product); returns the product before, its measured change, and ∇L at the product before.
    /// </summary>
    public (Tensor Before, Tensor Measured, Tensor Gradient) Step(IReadOnlyList<Tensor> factors, double eta)
    {
        Tensor[] leaves = factors.Select(f => f.detach().clone().requires_grad_(true)).ToArray();
        Tensor before = Preconditioning.Product(leaves).detach();
        Loss(Preconditioning.Product(leaves)).backward();
        Tensor[] after = leaves.Select(f => f.detach() - (eta * f.grad!)).ToArray();
        return (before, Preconditioning.Product(after) - before, Gradient(before));
    }

    /// <summary>The error of <see cref="Preconditioning.PredictedUpdate"/> against one real step: absolute and relative to the prediction.</summary>
    public (double Absolute, double Relative) StepError(IReadOnlyList<Tensor> factors, double eta)
    {
        var (before, measured, gradient) = Step(factors, eta);
        Tensor predicted = Preconditioning.PredictedUpdate(before, gradient, factors.Count, eta);
        double error = linalg.norm(measured - predicted).ToDouble();
        return (error, error / linalg.norm(predicted).ToDouble());
    }
}
