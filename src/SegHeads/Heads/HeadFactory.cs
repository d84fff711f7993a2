using SegHeads.Reparam;
using TorchSharp;

namespace SegHeads.Heads;

/// <summary>Builds heads from specs through an explicit registry, so experiments swap heads by string.</summary>
public static class HeadFactory
{
    private static readonly IReadOnlyDictionary<HeadKind, Func<HeadSpec, int, int, SegmentationHead>> Registry =
        new Dictionary<HeadKind, Func<HeadSpec, int, int, SegmentationHead>>
        {
            [HeadKind.Linear] = (spec, c, k) => new LinearHead(c, k),
            [HeadKind.StackedLinear] = (spec, c, k) => new StackedLinearHead(spec, c, k),
            [HeadKind.Activated] = (spec, c, k) => new ActivatedHead(spec, c, k),
        };

    /// <summary>The head kinds the factory knows.</summary>
    public static IReadOnlyCollection<HeadKind> Kinds => [.. Registry.Keys];

    /// <summary>One representative spec per kind and variant, for contract tests and demos.</summary>
    public static IReadOnlyList<HeadSpec> Examples { get; } =
    [
        HeadSpec.Parse("linear"),
        HeadSpec.Parse("stacked-linear:3-3-1@16"),
        HeadSpec.Parse("stacked-linear:3-3-1@16+bn+pad-once"),
        HeadSpec.Parse("stacked-linear:5"),
        HeadSpec.Parse("activated:3-3-1@16+bn"),
        HeadSpec.Parse("activated:3-1@16+gn+pad-once"),
        HeadSpec.Parse("linear+relu-logits"),
    ];

    /// <summary>Builds the head a spec describes.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    /// <returns>A new head on the CPU in float32.</returns>
    /// <exception cref="ArgumentException">The spec is invalid or a channel count is not positive.</exception>
    public static SegmentationHead Create(HeadSpec spec, int inChannels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        if (!Registry.TryGetValue(spec.Kind, out Func<HeadSpec, int, int, SegmentationHead>? create))
        {
            throw new ArgumentException($"No head is registered for kind {spec.Kind}; known: {string.Join(", ", Registry.Keys)}.", nameof(spec));
        }

        SegmentationHead head = create(spec with { ReluOnLogits = false }, inChannels, numClasses);
        return spec.ReluOnLogits ? new ReluLogitsHead(head) : head;
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
    /// <param name="kernel">Weight and bias to copy; its padding must be <c>k / 2</c>.</param>
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
