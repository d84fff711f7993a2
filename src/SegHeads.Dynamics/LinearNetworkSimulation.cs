using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Dynamics;

/// <summary>
/// Simulates full-batch gradient descent on a deep linear network <c>W = W_D ⋯ W_1</c> with whitened
/// inputs (X = I) and target map <c>Y = U·diag(s)·Vᵀ</c> under loss <c>½‖Y − W‖²_F</c>, from Saxe et
/// al.'s balanced, decoupled small initialisation (every mode at strength u0, hidden layers rotated
/// by random orthogonal matrices), and compares each mode strength <c>uᵢ(t) = Uᵢᵀ W Vᵢ</c> with the
/// theory of <see cref="SaxeTheory"/>. Discrete steps lag the continuous flow slightly; that is the
/// only expected deviation.
/// </summary>
public static class LinearNetworkSimulation
{
    /// <summary>Runs the simulation in float64 on the CPU.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults.</param>
    public static LinearNetworkSimulationResult Run(LinearNetworkSimulationOptions? options = null)
    {
        options = (options ?? new LinearNetworkSimulationOptions()).Validate();
        int modes = options.SingularValues.Count;
        int n = modes + options.ExtraDimensions;
        int d = options.Matrices;
        double tau = 1 / options.LearningRate;
        double a = Math.Pow(options.InitialStrength, 1.0 / d);
        var generator = new Generator((ulong)options.Seed + 1);
        var simulated = new double[modes][];
        for (int m = 0; m < modes; m++)
        {
            simulated[m] = new double[options.Steps + 1];
        }

        // NOTE: owned scalars: TorchSharp does not keep an implicit one alive for the native call,
        // and a collection started by another thread (a progress display) could free it mid-step.
        using Scalar two = 2.ToScalar();
        using Scalar half = 0.5.ToScalar();
        using Scalar rate = options.LearningRate.ToScalar();
        using (var scope = NewDisposeScope())
        {
            Tensor u = Orthogonal(n, generator);
            Tensor v = Orthogonal(n, generator);
            Tensor s = zeros(n, dtype: float64);
            s[TensorIndex.Slice(0, modes)] = tensor(options.SingularValues.ToArray(), dtype: float64);
            Tensor target = u.matmul(diag(s)).matmul(v.T);

            // Balanced decoupled start: W₁ = R₁ A Vᵀ, Wᵢ = Rᵢ A Rᵢ₋₁ᵀ, W_D = U A R_{D−1}ᵀ, with A = a on the
            // modes (a^D = u0) and 0 elsewhere, so the product is U·diag(u0)·Vᵀ on the modes.
            Tensor strength = zeros(n, dtype: float64);
            strength[TensorIndex.Slice(0, modes)] = a;
            Tensor amplitude = diag(strength);
            var rotations = Enumerable.Range(0, d - 1).Select(_ => Orthogonal(n, generator)).ToList();
            var weights = new List<Tensor>(d);
            for (int i = 0; i < d; i++)
            {
                Tensor left = i == d - 1 ? u : rotations[i];
                Tensor right = i == 0 ? v : rotations[i - 1];
                weights.Add(left.matmul(amplitude).matmul(right.T).requires_grad_(true));
            }

            for (int t = 0; t <= options.Steps; t++)
            {
                using var step = NewDisposeScope();
                Tensor product = weights[0];
                for (int i = 1; i < d; i++)
                {
                    product = weights[i].matmul(product);
                }

                double[] current = u.T.matmul(product.detach()).matmul(v).diagonal().data<double>().ToArray();
                for (int m = 0; m < modes; m++)
                {
                    simulated[m][t] = current[m];
                }

                if (t == options.Steps)
                {
                    break;
                }

                Tensor loss = (target - product).pow(two).sum().mul(half);
                loss.backward();
                using (no_grad())
                {
                    foreach (Tensor w in weights)
                    {
                        using Tensor grad = w.grad!;
                        using Tensor update = grad.mul(rate);
                        w.sub_(update);
                        grad.zero_();
                    }
                }
            }
        }

        var theory = new double[modes][];
        for (int m = 0; m < modes; m++)
        {
            double sm = options.SingularValues[m];
            theory[m] = d == 2
                ? Enumerable.Range(0, options.Steps + 1).Select(t => SaxeTheory.TwoLayerStrength(sm, options.InitialStrength, tau, t)).ToArray()
                : SaxeTheory.DeepStrength(d, sm, options.InitialStrength, tau, options.Steps);
        }

        return new LinearNetworkSimulationResult(options, simulated, theory);
    }

    private static Tensor Orthogonal(int n, Generator generator)
    {
        var (q, r) = linalg.qr(randn([n, n], dtype: float64, generator: generator));
        return q * r.diagonal().sign();
    }
}
