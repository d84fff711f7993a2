using SegHeads.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Reparam;

/// <summary>
/// A stride-1, undilated, ungrouped convolution as plain tensors: weight <c>[K, C, kh, kw]</c> with
/// odd <c>kh</c> and <c>kw</c>, bias <c>[K]</c>, and zero padding per axis (<c>ph</c> rows above and
/// below, <c>pw</c> columns left and right). Square kernels (<c>kh = kw</c>) are the common case;
/// rectangular ones (1x3, 3x1, ...) come from asymmetric-convolution branches (ACNet, Ding et al. 2019).
/// Owns its tensors (detached copies): dispose it.
/// </summary>
public sealed class ConvKernel : IDisposable
{
    /// <summary>Creates a kernel with the same zero padding on both axes; see <see cref="ConvKernel(Tensor, Tensor?, int, int)"/>.</summary>
    /// <param name="weight">Weight <c>[K, C, kh, kw]</c> with odd <c>kh</c> and <c>kw</c>.</param>
    /// <param name="bias">Bias <c>[K]</c>, or <see langword="null"/> for zero.</param>
    /// <param name="padding">Zero padding on each side of both axes when applied.</param>
    /// <exception cref="ArgumentException">The shapes or dtypes do not match or a kernel size is even.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The padding is negative.</exception>
    public ConvKernel(Tensor weight, Tensor? bias, int padding)
        : this(weight, bias, padding, padding)
    {
    }

    /// <summary>Creates a kernel from tensors; they are detached and copied, so later edits to the sources do not leak in.</summary>
    /// <param name="weight">Weight <c>[K, C, kh, kw]</c> of a floating-point dtype with odd <c>kh</c> and <c>kw</c>.</param>
    /// <param name="bias">Bias <c>[K]</c> of the weight's dtype and device, or <see langword="null"/> for zero.</param>
    /// <param name="paddingHeight">Zero rows added above and below the input when applied.</param>
    /// <param name="paddingWidth">Zero columns added left and right of the input when applied.</param>
    /// <exception cref="ArgumentException">The shapes or dtypes do not match or a kernel size is even.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A padding is negative.</exception>
    public ConvKernel(Tensor weight, Tensor? bias, int paddingHeight, int paddingWidth)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 4 || weight.shape[2] % 2 == 0 || weight.shape[3] % 2 == 0 || weight.numel() == 0)
        {
            throw new ArgumentException(
                $"A kernel weight must be a non-empty [K, C, kh, kw] with odd kh and kw, but got {Shapes.Format(weight)}.", nameof(weight));
        }

        if (!weight.is_floating_point())
        {
            throw new ArgumentException($"A kernel weight must be floating point, but got dtype {weight.dtype}.", nameof(weight));
        }

        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
        {
            throw new ArgumentException($"The bias must be [{weight.shape[0]}] to match weight {Shapes.Format(weight)}, but got {Shapes.Format(bias)}.", nameof(bias));
        }

        if (bias is not null && (bias.dtype != weight.dtype || !SameDevice(bias, weight)))
        {
            throw new ArgumentException(
                $"The bias must have the weight's dtype {weight.dtype} on {weight.device}, but has {bias.dtype} on {bias.device}.", nameof(bias));
        }

        if (paddingHeight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(paddingHeight), paddingHeight, $"Padding must be non-negative, but was {paddingHeight}.");
        }

        if (paddingWidth < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(paddingWidth), paddingWidth, $"Padding must be non-negative, but was {paddingWidth}.");
        }

        using (no_grad())
        {
            Weight = weight.detach().clone().DetachFromDisposeScope();
            Bias = bias is null
                ? zeros(weight.shape[0], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope()
                : bias.detach().clone().DetachFromDisposeScope();
        }

        PaddingHeight = paddingHeight;
        PaddingWidth = paddingWidth;
    }

    /// <summary>Weight <c>[K, C, kh, kw]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[K]</c> (zeros when the source had none).</summary>
    public Tensor Bias { get; }

    /// <summary>Zero rows added above and below the input.</summary>
    public int PaddingHeight { get; }

    /// <summary>Zero columns added left and right of the input.</summary>
    public int PaddingWidth { get; }

    /// <summary>The zero padding on each side when it is the same on both axes.</summary>
    /// <exception cref="InvalidOperationException">The paddings differ per axis; read <see cref="PaddingHeight"/> and <see cref="PaddingWidth"/>.</exception>
    public int Padding => PaddingHeight == PaddingWidth
        ? PaddingHeight
        : throw new InvalidOperationException(
            $"The kernel pads by {PaddingHeight} rows and {PaddingWidth} columns, so it has no single Padding; read PaddingHeight and PaddingWidth.");

    /// <summary>Output channels K.</summary>
    public int OutChannels => (int)Weight.shape[0];

    /// <summary>Input channels C.</summary>
    public int InChannels => (int)Weight.shape[1];

    /// <summary>Kernel height kh (odd).</summary>
    public int KernelHeight => (int)Weight.shape[2];

    /// <summary>Kernel width kw (odd).</summary>
    public int KernelWidth => (int)Weight.shape[3];

    /// <summary>The kernel size k of a square kernel.</summary>
    /// <exception cref="InvalidOperationException">The kernel is rectangular; read <see cref="KernelHeight"/> and <see cref="KernelWidth"/>.</exception>
    public int KernelSize => KernelHeight == KernelWidth
        ? KernelHeight
        : throw new InvalidOperationException(
            $"The kernel is {KernelHeight}x{KernelWidth}, so it has no single KernelSize; read KernelHeight and KernelWidth.");

    /// <summary>Copies a conv's weight, bias (zero when it has none) and per-axis zero padding.</summary>
    /// <param name="conv">A stride-1, undilated, ungrouped conv with odd kernel sizes and zero padding mode.</param>
    /// <exception cref="ArgumentException">The conv is strided, dilated, grouped, even-sized or pads other than with zeros.</exception>
    public static ConvKernel FromConv(Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        Tensor weight = conv.weight ?? throw new ArgumentException("The conv has no weight.", nameof(conv));
        if (conv.groups != 1 || conv.stride.Any(s => s != 1) || conv.dilation.Any(d => d != 1))
        {
            throw new ArgumentException(
                $"Only stride-1, undilated, ungrouped convs compose; got stride [{string.Join(", ", conv.stride)}], dilation [{string.Join(", ", conv.dilation)}], groups {conv.groups}.",
                nameof(conv));
        }

        // NOTE: reflect/replicate/circular padding is not a zero border, so treating it as one would
        // silently change the function near the border.
        if (conv.padding_mode != PaddingModes.Zeros)
        {
            throw new ArgumentException($"Only zero padding composes; the conv pads with {conv.padding_mode}.", nameof(conv));
        }

        if (weight.shape[2] % 2 == 0 || weight.shape[3] % 2 == 0)
        {
            throw new ArgumentException($"Only odd kernel sizes compose; the conv's weight is {Shapes.Format(weight)}.", nameof(conv));
        }

        long[] padding = conv.padding ?? (conv.padding_type == TorchSharp.Padding.Same
            ? [weight.shape[2] / 2, weight.shape[3] / 2]
            : [0, 0]);
        if (padding.Length == 1)
        {
            padding = [padding[0], padding[0]];
        }

        if (padding.Length != 2)
        {
            throw new ArgumentException($"A 2-D conv needs one padding per axis; got [{string.Join(", ", padding)}].", nameof(conv));
        }

        return new ConvKernel(weight, conv.bias, (int)padding[0], (int)padding[1]);
    }

    /// <summary>Applies the kernel: <c>[N, C, H, W] → [N, K, H + 2ph − kh + 1, W + 2pw − kw + 1]</c>.</summary>
    /// <param name="input">Input <c>[N, C, H, W]</c> of the kernel's dtype and device.</param>
    /// <returns>Output <c>[N, K, H', W']</c>.</returns>
    /// <exception cref="ArgumentException">The input's rank, channels, dtype or device differ, or the kernel does not fit the padded input.</exception>
    public Tensor Apply(Tensor input)
    {
        Shapes.RequireImageBatch(input, InChannels, nameof(ConvKernel), nameof(input));
        if (input.dtype != Weight.dtype || !SameDevice(input, Weight))
        {
            throw new ArgumentException(
                $"{nameof(ConvKernel)} holds {Weight.dtype} on {Weight.device}, but the input is {input.dtype} on {input.device}; convert one with To.",
                nameof(input));
        }

        long h = input.shape[2] + (2L * PaddingHeight);
        long w = input.shape[3] + (2L * PaddingWidth);
        if (h < KernelHeight || w < KernelWidth)
        {
            throw new ArgumentException(
                $"{nameof(ConvKernel)} with kernel {KernelHeight}x{KernelWidth} and padding ({PaddingHeight}, {PaddingWidth}) needs H of at least {KernelHeight - (2 * PaddingHeight)} and W of at least {KernelWidth - (2 * PaddingWidth)}, but got shape {Shapes.Format(input)}.",
                nameof(input));
        }

        return ChannelsLast.Around(input, x => nn.functional.conv2d(x, Weight, Bias, padding: [PaddingHeight, PaddingWidth]));
    }

    /// <summary>Returns the same weights with the same padding <paramref name="padding"/> on both axes.</summary>
    /// <param name="padding">Zero padding on each side of both axes.</param>
    public ConvKernel WithPadding(int padding) => new(Weight, Bias, padding, padding);

    /// <summary>Returns the same weights with another per-axis padding.</summary>
    /// <param name="paddingHeight">Zero rows above and below.</param>
    /// <param name="paddingWidth">Zero columns left and right.</param>
    public ConvKernel WithPadding(int paddingHeight, int paddingWidth) => new(Weight, Bias, paddingHeight, paddingWidth);

    /// <summary>Returns a copy converted to <paramref name="dtype"/>, with the same paddings.</summary>
    /// <param name="dtype">A floating-point dtype.</param>
    public ConvKernel To(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return new ConvKernel(Weight.to(dtype), Bias.to(dtype), PaddingHeight, PaddingWidth);
    }

    /// <summary>
    /// Copies the weight <c>[K, C, kh, kw]</c> and bias <c>[K]</c> into <paramref name="conv"/>, which
    /// must have the same weight shape and a bias. The conv's own padding is left as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The conv's weight shape differs or it has no bias.</exception>
    public void CopyTo(Conv2d conv)
    {
        ArgumentNullException.ThrowIfNull(conv);
        Tensor target = conv.weight ?? throw new ArgumentException("The conv has no weight.", nameof(conv));
        if (!target.shape.SequenceEqual(Weight.shape) || conv.bias is null)
        {
            throw new ArgumentException(
                $"The conv must have weight {Shapes.Format(Weight)} and a bias, but has weight {Shapes.Format(target)}{(conv.bias is null ? " and no bias" : string.Empty)}.",
                nameof(conv));
        }

        using (no_grad())
        {
            target.copy_(Weight);
            conv.bias.copy_(Bias);
        }
    }

    // NOTE: Device is a class without value equality; compare type and index.
    internal static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
