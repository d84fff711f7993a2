using System.Globalization;
using SegHeads.Reparam;
using TorchSharp;

namespace SegHeads.Heads;

/// <summary>Builds heads from specs through <see cref="HeadRegistry"/>, so experiments swap heads by string.</summary>
public static class HeadFactory
{
    /// <summary>Most parameters a head built from a spec may have (400 MB in float32): a larger one is almost surely a typo.</summary>
    public const long MaxParameters = 100_000_000;

    /// <summary>Builds the head a spec describes.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <returns>A new head on the CPU in float32.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A channel count is not positive, or the head would exceed <see cref="MaxParameters"/>.</exception>
    public static SegmentationHead Create(HeadSpec spec, int inChannels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (inChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(inChannels), inChannels, $"inChannels must be positive, but was {inChannels}.");
        }

        if (numClasses <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(numClasses), numClasses, $"numClasses must be positive, but was {numClasses}.");
        }

        long parameters = spec.EstimateParameters(inChannels, numClasses);
        if (parameters > MaxParameters)
        {
            throw new ArgumentOutOfRangeException(nameof(spec), spec.ToString(), string.Create(CultureInfo.InvariantCulture,
                $"Head '{spec}' with {inChannels} input channels and {numClasses} classes would have {parameters:N0} parameters "
                + $"({parameters * 4.0 / (1 << 20):N0} MB in float32); the limit is {MaxParameters:N0}. Reduce the width or the kernel sizes."));
        }

        SegmentationHead head = spec.Kind.Create(spec, inChannels, numClasses);
        if (head.Spec != spec || head.InChannels != inChannels || head.NumClasses != numClasses)
        {
            string built = $"'{head.Spec}' with C = {head.InChannels}, K = {head.NumClasses}";
            head.Dispose();
            throw new InvalidOperationException($"Head kind '{spec.Kind.Name}' built {built} when asked for '{spec}' with C = {inChannels}, K = {numClasses}.");
        }

        return head;
    }

    /// <summary>Parses <paramref name="spec"/> and builds the head (see <see cref="HeadSpec.Parse"/>).</summary>
    /// <exception cref="FormatException">The spec string is invalid; the message quotes the grammar.</exception>
    public static SegmentationHead Create(string spec, int inChannels, int numClasses) =>
        Create(HeadSpec.Parse(spec), inChannels, numClasses);

    /// <summary>
    /// A single-conv head holding <paramref name="kernel"/>: a <see cref="LinearHead"/> for a 1x1
    /// kernel, otherwise a one-layer <see cref="StackedLinearHead"/> (<c>stacked-linear:k</c>) with
    /// padding <c>k / 2</c>, on the kernel's device and dtype.
    /// </summary>
    /// <param name="kernel">Weight and bias to copy; square, with padding <c>k / 2</c>.</param>
    /// <exception cref="ArgumentException">The kernel's padding is not <c>k / 2</c>.</exception>
    public static SegmentationHead FromKernel(ConvKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        if (kernel.Padding != kernel.KernelSize / 2)
        {
            throw new ArgumentException($"A single-conv head pads by k / 2 = {kernel.KernelSize / 2}, but the kernel has padding {kernel.Padding}.", nameof(kernel));
        }

        SegmentationHead head = kernel.KernelSize == 1
            ? new LinearHead(kernel.InChannels, kernel.OutChannels)
            : new StackedLinearHead(HeadSpec.StackedLinear([kernel.KernelSize]), kernel.InChannels, kernel.OutChannels);
        head.to(kernel.Weight.device);
        head.to(kernel.Weight.dtype);
        kernel.CopyTo(head is LinearHead linear ? linear.Classifier : ((StackedLinearHead)head).Layers[0].Conv);
        return head;
    }
}
