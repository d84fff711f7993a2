using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Internal;

/// <summary>
/// Channels-last (NHWC) memory layout for <c>[N, C, H, W]</c> activations on the CPU. TorchSharp
/// 0.107 has no <c>to(memory_format=...)</c>, but a tensor whose strides are those of
/// <c>permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)</c> is exactly what libtorch calls
/// channels-last, and every op keeps the layout of its input.
/// </summary>
internal static class ChannelsLast
{
    /// <summary>
    /// Whether <paramref name="input"/> is worth converting: 4-D float32 on the CPU. oneDNN's
    /// convolutions run on NHWC natively there, while NCHW costs a reorder into a blocked layout
    /// and back around every conv; measured on the reference UNet training step, NHWC is ~30%
    /// faster (benchmarks/README.md). Other dtypes and devices are left alone: float64 takes the
    /// non-oneDNN path, and CUDA was not measured. bfloat16 (mixed-precision training) goes
    /// through the same oneDNN convolutions, whose native bfloat16 kernels are NHWC as well.
    /// </summary>
    public static bool Applies(Tensor input) =>
        input.dim() == 4 && input.dtype is ScalarType.Float32 or ScalarType.BFloat16 && input.device_type == DeviceType.CPU;

    /// <summary>
    /// The same values with channels-last strides; a cheap no-op (an alias) when they already are.
    /// The shape stays <c>[N, C, H, W]</c>; only the memory order changes.
    /// </summary>
    public static Tensor From(Tensor input)
    {
        using Tensor nhwc = input.permute(0, 2, 3, 1);
        using Tensor dense = nhwc.contiguous();
        return dense.permute(0, 3, 1, 2);
    }

    /// <summary>Whether <paramref name="input"/> already has the strides <see cref="From"/> gives.</summary>
    public static bool IsChannelsLast(Tensor input)
    {
        long[] stride = input.stride();
        long c = input.shape[1];
        return stride[1] == 1 && stride[3] == c && stride[2] == c * input.shape[3];
    }

    /// <summary>
    /// Runs <paramref name="compute"/> channels-last when <see cref="Applies"/> and the input is not
    /// already channels-last, and returns a contiguous NCHW result, so a module called on its own
    /// takes the same path as inside a model. Correctness, not only speed: with libtorch 2.10 on
    /// AVX-512 CPUs, float32 NCHW convs whose channel count does not fill oneDNN's 16-channel block
    /// return wrong values (input gradients, transposed-conv outputs), and channels-last ones do not.
    /// </summary>
    public static Tensor Around(Tensor input, Func<Tensor, Tensor> compute)
    {
        if (!Applies(input) || IsChannelsLast(input))
        {
            return compute(input);
        }

        using var scope = NewDisposeScope();
        Tensor output = compute(From(input));
        return scope.MoveToOuter(output.dim() == 4 ? output.contiguous() : output);
    }
}
