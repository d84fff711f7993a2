using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Reparam;

/// <summary>
/// Exact algebra on linear convolutions: sequential composition and batch-norm folding
/// (the structural re-parameterisation of RepVGG, Ding et al. 2021, and ExpandNets, Guo et al. 2020).
/// </summary>
public static class KernelAlgebra
{
    /// <summary>
    /// The single conv equal to <paramref name="first"/> followed by <paramref name="second"/> with
    /// no nonlinearity between them: kernel <c>ka + kb − 1</c>, padding <c>pa + pb</c>,
    /// <c>W[k, c] = Σₘ fullconv(Wa[m, c], Wb[k, m])</c> and <c>b[k] = Σₘ (Σᵢⱼ Wb[k, m, i, j]) · ba[m] + bb[k]</c>.
    /// </summary>
    /// <remarks>
    /// Summing the paddings is exact only when the second conv's padding acts on a map that was
    /// itself computed from padded input (pad-once stacks, where both paddings are 0 and the head
    /// pads by R up front). For pad-each stacks the result differs in the outer ring (DESIGN §3).
    /// The arithmetic runs in float64 and the result is returned in the first kernel's dtype.
    /// </remarks>
    /// <exception cref="ArgumentException">The channel counts do not chain.</exception>
    public static ConvKernel Compose(ConvKernel first, ConvKernel second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (second.InChannels != first.OutChannels)
        {
            throw new ArgumentException(
                $"Cannot compose: the first conv gives {first.OutChannels} channels but the second expects {second.InChannels}.",
                nameof(second));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor wa = first.Weight.to(float64);
        Tensor ba = first.Bias.to(float64);
        Tensor wb = second.Weight.to(float64);
        Tensor bb = second.Bias.to(float64);
        int kb = second.KernelSize;

        // Full 2-D convolution of every (Wa[m, c], Wb[k, m]) pair, summed over m: treat Wa's input
        // channels as a batch and its output channels as conv channels, and correlate with flipped Wb.
        Tensor composed = nn.functional.conv2d(wa.permute(1, 0, 2, 3), wb.flip(2, 3), padding: [kb - 1, kb - 1])
            .permute(1, 0, 2, 3);
        Tensor bias = wb.sum([2, 3]).matmul(ba) + bb;
        ScalarType dtype = first.Weight.dtype;
        return new ConvKernel(composed.to(dtype), bias.to(dtype), first.Padding + second.Padding);
    }

    /// <summary>
    /// Folds an eval-mode batch norm into the conv before it, using the running statistics:
    /// <c>W' = W · γ / √(var + ε)</c>, <c>b' = (b − mean) · γ / √(var + ε) + β</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The norm tracks no running statistics or its channel count differs.</exception>
    public static ConvKernel FoldBatchNorm(ConvKernel conv, BatchNorm2d norm)
    {
        ArgumentNullException.ThrowIfNull(conv);
        ArgumentNullException.ThrowIfNull(norm);
        Tensor mean = norm.running_mean ?? throw new ArgumentException(
            "The batch norm tracks no running statistics, so it is not an affine map and cannot fold.", nameof(norm));
        Tensor var = norm.running_var ?? throw new ArgumentException(
            "The batch norm tracks no running statistics, so it is not an affine map and cannot fold.", nameof(norm));
        if (mean.shape[0] != conv.OutChannels)
        {
            throw new ArgumentException($"The batch norm has {mean.shape[0]} channels but the conv gives {conv.OutChannels}.", nameof(norm));
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor gamma = norm.weight is null ? ones_like(mean, float64) : norm.weight.to(float64);
        Tensor beta = norm.bias is null ? zeros_like(mean, float64) : norm.bias.to(float64);
        Tensor scale = gamma / (var.to(float64) + norm.eps).sqrt();
        Tensor weight = conv.Weight.to(float64) * scale.view(-1, 1, 1, 1);
        Tensor bias = ((conv.Bias.to(float64) - mean.to(float64)) * scale) + beta;
        ScalarType dtype = conv.Weight.dtype;
        return new ConvKernel(weight.to(dtype), bias.to(dtype), conv.Padding);
    }
}
