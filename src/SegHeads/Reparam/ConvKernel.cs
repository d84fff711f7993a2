using SegHeads.Internal;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Reparam;

/// <summary>
/// A stride-1, undilated, ungrouped convolution as plain tensors: weight <c>[K, C, k, k]</c>,
/// bias <c>[K]</c> and zero padding on each side. Owns its tensors (detached copies): dispose it.
/// </summary>
public sealed class ConvKernel : IDisposable
{
    /// <summary>Creates a kernel from tensors; they are detached and copied, so later edits to the sources do not leak in.</summary>
    /// <param name="weight">Weight <c>[K, C, k, k]</c> with odd square <c>k</c>.</param>
    /// <param name="bias">Bias <c>[K]</c>, or <see langword="null"/> for zero.</param>
    /// <param name="padding">Zero padding on each side when applied.</param>
    /// <exception cref="ArgumentException">The shapes do not match or the kernel is not odd and square.</exception>
    public ConvKernel(Tensor weight, Tensor? bias, int padding)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.dim() != 4 || weight.shape[2] != weight.shape[3] || weight.shape[2] % 2 == 0)
        {
            throw new ArgumentException($"A kernel weight must be [K, C, k, k] with odd k, but got {Shapes.Format(weight)}.", nameof(weight));
        }

        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.shape[0]))
        {
            throw new ArgumentException($"The bias must be [{weight.shape[0]}] to match weight {Shapes.Format(weight)}, but got {Shapes.Format(bias)}.", nameof(bias));
        }

        if (padding < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"Padding must be non-negative, but was {padding}.");
        }

        using (no_grad())
        {
            Weight = weight.detach().clone().DetachFromDisposeScope();
            Bias = bias is null
                ? zeros(weight.shape[0], dtype: weight.dtype, device: weight.device).DetachFromDisposeScope()
                : bias.detach().clone().DetachFromDisposeScope();
        }

        Padding = padding;
    }

    /// <summary>Weight <c>[K, C, k, k]</c>.</summary>
    public Tensor Weight { get; }

    /// <summary>Bias <c>[K]</c> (zeros when the source had none).</summary>
    public Tensor Bias { get; }

    /// <summary>Zero padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Output channels K.</summary>
    public int OutChannels => (int)Weight.shape[0];

    /// <summary>Input channels C.</summary>
    public int InChannels => (int)Weight.shape[1];

    /// <summary>Kernel size k.</summary>
    public int KernelSize => (int)Weight.shape[2];

    /// <summary>Copies a conv's weight and bias (zero when it has none).</summary>
    /// <exception cref="ArgumentException">The conv is strided, dilated, grouped, non-square or even-sized.</exception>
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

        long[] padding = conv.padding ?? [0, 0];
        if (padding.Length == 0 || padding.Any(p => p != padding[0]))
        {
            throw new ArgumentException($"Only equal padding on both axes composes; got [{string.Join(", ", padding)}].", nameof(conv));
        }

        return new ConvKernel(weight, conv.bias, (int)padding[0]);
    }

    /// <summary>Applies the kernel: <c>[N, C, H, W] → [N, K, H + 2p − k + 1, W + 2p − k + 1]</c>.</summary>
    /// <param name="input">Input <c>[N, C, H, W]</c> of the kernel's dtype and device.</param>
    public Tensor Apply(Tensor input)
    {
        Shapes.RequireImageBatch(input, InChannels, nameof(ConvKernel), nameof(input));
        Shapes.RequireFits(input, KernelSize, Padding, nameof(ConvKernel), nameof(input));
        return nn.functional.conv2d(input, Weight, Bias, padding: [Padding, Padding]);
    }

    /// <summary>Returns the same kernel with another padding.</summary>
    public ConvKernel WithPadding(int padding) => new(Weight, Bias, padding);

    /// <summary>Returns a copy converted to <paramref name="dtype"/>.</summary>
    public ConvKernel To(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        return new ConvKernel(Weight.to(dtype), Bias.to(dtype), Padding);
    }

    /// <summary>Copies the weight and bias into <paramref name="conv"/>, which must have the same shape and a bias.</summary>
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

    /// <inheritdoc />
    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
