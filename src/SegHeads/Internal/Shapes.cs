using TorchSharp;

namespace SegHeads.Internal;

/// <summary>Argument checks whose messages name the expected and the actual shape or value.</summary>
internal static class Shapes
{
    public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    public static string Format(torch.Tensor t) => Format(t.shape);

    /// <summary>Requires a 4-D <c>[N, C, H, W]</c> tensor with <paramref name="channels"/> channels.</summary>
    public static void RequireImageBatch(torch.Tensor input, long channels, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(input, paramName);
        if (input.dim() != 4)
        {
            throw new ArgumentException(
                $"{what} expects a 4-D input [N, C, H, W] with C = {channels}, but got rank {input.dim()} with shape {Format(input)}.",
                paramName);
        }

        if (input.shape[1] != channels)
        {
            throw new ArgumentException(
                $"{what} expects {channels} input channels ([N, {channels}, H, W]), but got {input.shape[1]} (shape {Format(input)}).",
                paramName);
        }

        if (input.shape[0] == 0 || input.shape[2] == 0 || input.shape[3] == 0)
        {
            throw new ArgumentException(
                $"{what} expects non-empty N, H and W, but got shape {Format(input)}.", paramName);
        }

        if (!input.is_floating_point())
        {
            throw new ArgumentException(
                $"{what} expects a floating-point input, but got dtype {input.dtype}.", paramName);
        }
    }

    public static void RequirePositive(long value, string paramName)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be positive, but was {value}.");
        }
    }

    /// <summary>Requires that a <paramref name="kernel"/>-sized window fits the padded input.</summary>
    public static void RequireFits(torch.Tensor input, int kernel, int padding, string what, string paramName)
    {
        long h = input.shape[2] + (2 * padding);
        long w = input.shape[3] + (2 * padding);
        if (h < kernel || w < kernel)
        {
            throw new ArgumentException(
                $"{what} with kernel {kernel} and padding {padding} needs H and W of at least {kernel - (2 * padding)}, but got shape {Format(input)}.",
                paramName);
        }
    }
}
