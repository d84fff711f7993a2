using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>Trained-looking batch-norm state for an untrained model.</summary>
internal static class BatchNormStatistics
{
    /// <summary>
    /// Gives every <see cref="BatchNorm2d"/> in <paramref name="module"/> random running statistics
    /// and affine parameters (mean ~ N(0, 0.5²), var ~ U(0.5, 2), γ ~ U(0.5, 1.5), β ~ N(0, 0.1²)).
    /// </summary>
    /// <remarks>
    /// A fresh batch norm is the identity up to 1/√(1 + ε) (mean 0, var 1, γ 1, β 0), so folding it
    /// would be checked on a no-op; these values make the fused-vs-eval difference meaningful.
    /// Timing does not depend on the values.
    /// </remarks>
    public static void Randomize(nn.Module module, long seed)
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        foreach (BatchNorm2d bn in module.modules().OfType<BatchNorm2d>())
        {
            long c = bn.running_mean!.shape[0];
            using (Tensor mean = randn(c).mul_(0.5))
            {
                bn.running_mean.copy_(mean);
            }

            using (Tensor variance = rand(c).mul_(1.5).add_(0.5))
            {
                bn.running_var!.copy_(variance);
            }

            using (Tensor gamma = rand(c).add_(0.5))
            {
                bn.weight!.copy_(gamma);
            }

            using (Tensor beta = randn(c).mul_(0.1))
            {
                bn.bias!.copy_(beta);
            }
        }
    }
}
