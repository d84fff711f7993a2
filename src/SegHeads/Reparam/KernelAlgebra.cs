using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Reparam;

/// <summary>
/// Exact algebra on linear convolutions: sequential composition, parallel sums, centred zero-padding
/// of kernels and batch-norm folding (the structural re-parameterisation of ACNet, Ding et al. 2019;
/// RepVGG, Ding et al. 2021; DiverseBranchBlock, Ding et al. 2021; ExpandNets, Guo et al. 2020).
/// Kernels may be rectangular (<c>kh x kw</c>, both odd); every rule works per axis.
/// </summary>
public static class KernelAlgebra
{
    /// <summary>
    /// The single conv equal to <paramref name="first"/> followed by <paramref name="second"/> with
    /// no nonlinearity between them: kernel <c>(kah + kbh − 1) x (kaw + kbw − 1)</c>, padding
    /// <c>pa + pb</c> per axis,
    /// <c>W[k, c] = Σₘ fullconv(Wa[m, c], Wb[k, m])</c> and <c>b[k] = Σₘ (Σᵢⱼ Wb[k, m, i, j]) · ba[m] + bb[k]</c>.
    /// </summary>
    /// <remarks>
    /// Summing the paddings is exact only when the second conv's padding acts on a map that was
    /// itself computed from padded input (pad-once stacks, where both paddings are 0 and the head
    /// pads by R up front). For pad-each stacks the second conv pads an intermediate map with zeros
    /// where the composed conv sees the first conv's response to the zero border (its bias, at least),
    /// so the result can differ in an outer ring as wide as the second conv's padding.
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
        int kbh = second.KernelHeight;
        int kbw = second.KernelWidth;

        // Full 2-D convolution of every (Wa[m, c], Wb[k, m]) pair, summed over m: treat Wa's input
        // channels as a batch and its output channels as conv channels, and correlate with flipped Wb.
        Tensor composed = nn.functional.conv2d(wa.permute(1, 0, 2, 3), wb.flip(2, 3), padding: [kbh - 1, kbw - 1])
            .permute(1, 0, 2, 3);
        Tensor bias = wb.sum([2, 3]).matmul(ba) + bb;
        ScalarType dtype = first.Weight.dtype;
        return new ConvKernel(composed.to(dtype), bias.to(dtype), first.PaddingHeight + second.PaddingHeight, first.PaddingWidth + second.PaddingWidth);
    }

    /// <summary>
    /// The single conv equal to the sum of parallel <paramref name="branches"/> applied to the same
    /// input (ACNet, Ding et al. 2019; RepVGG and DiverseBranchBlock, Ding et al. 2021): every kernel
    /// is zero-padded, centred, to the largest height <c>Kh</c> and largest width <c>Kw</c>
    /// (<see cref="PadTo"/>), then weights and biases add.
    /// </summary>
    /// <remarks>
    /// A branch with kernel <c>kh x kw</c> and padding <c>(ph, pw)</c> reads, for output pixel
    /// <c>(i, j)</c>, the window centred on input pixel <c>(i − oh, j − ow)</c> with offset
    /// <c>oh = ph − kh / 2</c> (likewise <c>ow</c>); outside the input it reads zeros. Branches whose
    /// offsets agree read windows with the same centre from the same zero-extended input, so the
    /// sum is exact at every pixel, borders included, and the result pads by <c>Kh / 2 + oh</c> rows
    /// and <c>Kw / 2 + ow</c> columns. The usual case is every branch padding by <c>(kh / 2, kw / 2)</c>
    /// ("same"; offsets 0). Branches with different offsets give shifted (and differently sized)
    /// outputs, and no single conv sums them: that throws. The arithmetic runs in float64 and the
    /// result is returned in the first branch's dtype.
    /// </remarks>
    /// <param name="branches">One or more kernels <c>[K, C, kh, kw]</c> with the same <c>K</c> and <c>C</c>, dtype-compatible and on one device.</param>
    /// <returns>A kernel <c>[K, C, Kh, Kw]</c> with bias <c>[K]</c>; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The list is empty, or a branch's channels, device or output offset differ from the first branch's.</exception>
    public static ConvKernel Sum(IReadOnlyList<ConvKernel> branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        if (branches.Count == 0)
        {
            throw new ArgumentException("A parallel sum needs at least one branch, but got none.", nameof(branches));
        }

        ConvKernel head = branches[0] ?? throw new ArgumentException("Branch 0 is null.", nameof(branches));
        int offsetHeight = head.PaddingHeight - (head.KernelHeight / 2);
        int offsetWidth = head.PaddingWidth - (head.KernelWidth / 2);
        int height = head.KernelHeight;
        int width = head.KernelWidth;
        for (int i = 1; i < branches.Count; i++)
        {
            ConvKernel branch = branches[i] ?? throw new ArgumentException($"Branch {i} is null.", nameof(branches));
            if (branch.InChannels != head.InChannels || branch.OutChannels != head.OutChannels)
            {
                throw new ArgumentException(
                    $"Parallel branches must map the same channels: branch 0 maps {head.InChannels} -> {head.OutChannels}, but branch {i} maps {branch.InChannels} -> {branch.OutChannels}.",
                    nameof(branches));
            }

            if (!ConvKernel.SameDevice(branch.Weight, head.Weight))
            {
                throw new ArgumentException(
                    $"Parallel branches must live on one device: branch 0 is on {head.Weight.device}, but branch {i} is on {branch.Weight.device}.",
                    nameof(branches));
            }

            int oh = branch.PaddingHeight - (branch.KernelHeight / 2);
            int ow = branch.PaddingWidth - (branch.KernelWidth / 2);
            if (oh != offsetHeight || ow != offsetWidth)
            {
                throw new ArgumentException(
                    $"Parallel branches must produce aligned outputs (the same padding − k / 2 per axis): branch 0 ({Describe(head)}) has offsets ({offsetHeight}, {offsetWidth}), but branch {i} ({Describe(branch)}) has ({oh}, {ow}).",
                    nameof(branches));
            }

            height = Math.Max(height, branch.KernelHeight);
            width = Math.Max(width, branch.KernelWidth);
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight = zeros([head.OutChannels, head.InChannels, height, width], dtype: float64, device: head.Weight.device);
        Tensor bias = zeros([head.OutChannels], dtype: float64, device: head.Weight.device);
        foreach (ConvKernel branch in branches)
        {
            // Adding into the centred window is the same as zero-padding the kernel and adding.
            int top = (height - branch.KernelHeight) / 2;
            int left = (width - branch.KernelWidth) / 2;
            weight[.., .., TensorIndex.Slice(top, top + branch.KernelHeight), TensorIndex.Slice(left, left + branch.KernelWidth)]
                .add_(branch.Weight.to(float64));
            bias.add_(branch.Bias.to(float64));
        }

        ScalarType dtype = head.Weight.dtype;
        return new ConvKernel(weight.to(dtype), bias.to(dtype), (height / 2) + offsetHeight, (width / 2) + offsetWidth);
    }

    /// <summary>The single conv equal to <paramref name="first"/> plus <paramref name="second"/> on the same input; see <see cref="Sum"/>.</summary>
    /// <param name="first">Kernel <c>[K, C, kh, kw]</c>.</param>
    /// <param name="second">Kernel <c>[K, C, kh', kw']</c> with the same output offsets.</param>
    /// <returns>A kernel <c>[K, C, max kh, max kw]</c> in the first kernel's dtype.</returns>
    /// <exception cref="ArgumentException">The channels, device or output offsets differ.</exception>
    public static ConvKernel Add(ConvKernel first, ConvKernel second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return Sum([first, second]);
    }

    /// <summary>
    /// The same conv with its kernel zero-padded, centred, to <paramref name="height"/> x
    /// <paramref name="width"/> (a 1x3 becomes a 3x3 with zero rows above and below). The padding
    /// grows by the added margin, <c>(height − kh) / 2</c> and <c>(width − kw) / 2</c>, so the result
    /// computes exactly the same output of the same size: the added taps are zero.
    /// </summary>
    /// <param name="kernel">Kernel <c>[K, C, kh, kw]</c>.</param>
    /// <param name="height">Target odd height, at least <c>kh</c>.</param>
    /// <param name="width">Target odd width, at least <c>kw</c>.</param>
    /// <returns>A kernel <c>[K, C, height, width]</c> of the same dtype; the caller disposes it.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A target size is even or smaller than the kernel.</exception>
    public static ConvKernel PadTo(ConvKernel kernel, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (height < kernel.KernelHeight || height % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(height), height,
                $"The target height must be odd and at least the kernel's {kernel.KernelHeight}, but was {height}.");
        }

        if (width < kernel.KernelWidth || width % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width,
                $"The target width must be odd and at least the kernel's {kernel.KernelWidth}, but was {width}.");
        }

        int dh = (height - kernel.KernelHeight) / 2;
        int dw = (width - kernel.KernelWidth) / 2;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor weight = nn.functional.pad(kernel.Weight, [dw, dw, dh, dh]);
        return new ConvKernel(weight, kernel.Bias, kernel.PaddingHeight + dh, kernel.PaddingWidth + dw);
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
        return new ConvKernel(weight.to(dtype), bias.to(dtype), conv.PaddingHeight, conv.PaddingWidth);
    }

    private static string Describe(ConvKernel kernel) =>
        $"{kernel.KernelHeight}x{kernel.KernelWidth}, padding ({kernel.PaddingHeight}, {kernel.PaddingWidth})";
}
