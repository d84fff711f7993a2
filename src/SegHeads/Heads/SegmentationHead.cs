using System.Diagnostics.CodeAnalysis;
using SegHeads.Internal;
using SegHeads.Native;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Heads;

/// <summary>
/// Base of every head: maps backbone features <c>[N, C, H, W]</c> to per-pixel class logits
/// <c>[N, K, H, W]</c>. A head never applies softmax: the loss applies log-softmax and
/// <c>SegmentationModel.Predict</c> applies softmax/argmax.
/// </summary>
public abstract class SegmentationHead : nn.Module<Tensor, Tensor>
{
    /// <summary>Initialises the common properties; derived classes create layers and call <c>RegisterComponents()</c>.</summary>
    /// <param name="name">Module name.</param>
    /// <param name="spec">The head's spec.</param>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K (1 for binary segmentation with a sigmoid).</param>
    /// <exception cref="ArgumentOutOfRangeException">A channel count is not positive.</exception>
    protected SegmentationHead(string name, HeadSpec spec, int inChannels, int numClasses)
        : base(TorchRuntime.Ready(name))
    {
        ArgumentNullException.ThrowIfNull(spec);
        Shapes.RequirePositive(inChannels, nameof(inChannels));
        Shapes.RequirePositive(numClasses, nameof(numClasses));
        Spec = spec;
        InChannels = inChannels;
        NumClasses = numClasses;
    }

    /// <summary>The spec this head was built from.</summary>
    public HeadSpec Spec { get; }

    /// <summary>Feature channels C the head expects.</summary>
    public int InChannels { get; }

    /// <summary>Classes K (logit channels) the head produces.</summary>
    public int NumClasses { get; }

    /// <summary>
    /// Whether the head is a linear map in eval mode, and so collapses into one conv
    /// (<see cref="TryCollapse"/> succeeds). Default <see langword="false"/>.
    /// </summary>
    public virtual bool IsLinear => false;

    /// <summary>Receptive radius R: each logit depends on a <c>(2R + 1)²</c> window of features.</summary>
    public abstract int ReceptiveRadius { get; }

    /// <summary>Computes logits.</summary>
    /// <param name="input">Features <c>[N, C, H, W]</c>.</param>
    /// <returns>Logits <c>[N, K, H, W]</c>.</returns>
    /// <exception cref="ArgumentException">The input is not 4-D, has the wrong channel count, or is empty.</exception>
    public sealed override Tensor forward(Tensor input)
    {
        if (TrustedInput.Active)
        {
            return ComputeLogits(input);
        }

        Shapes.RequireImageBatch(input, InChannels, $"Head '{Spec}'", nameof(input));

        // NOTE: the head checked its input once; the blocks it wired itself need not check again.
        using TrustedInput.Scope trusted = TrustedInput.Enter();
        return ChannelsLast.Around(input, ComputeLogits);
    }

    /// <summary>Computes logits from validated features.</summary>
    protected abstract Tensor ComputeLogits(Tensor features);

    /// <summary>
    /// Tries to express the head as one conv equal to its eval-mode function (batch norms use their
    /// running statistics, whatever the current mode). The kernel has size <c>2R + 1</c> and
    /// padding <c>R</c>; it is exact everywhere for pad-once heads and away from a border ring for
    /// pad-each heads (see <see cref="HeadPadding"/>). The default says that the kind defines no collapse.
    /// </summary>
    /// <remarks>Override it together with <see cref="IsLinear"/> in a linear head.</remarks>
    /// <param name="kernel">The collapsed conv, owned by the caller.</param>
    /// <param name="reason">Why the head cannot collapse.</param>
    /// <returns>Whether the head collapsed.</returns>
    public virtual bool TryCollapse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = null;
        reason = $"head kind '{Spec.Kind.Name}' defines no collapse";
        return false;
    }

    /// <summary>Collapses the head into one conv (see <see cref="TryCollapse"/>).</summary>
    /// <exception cref="InvalidOperationException">The head is not linear; the message says why.</exception>
    public ConvKernel Collapse() =>
        TryCollapse(out ConvKernel? kernel, out string? reason)
            ? kernel
            : throw new InvalidOperationException($"Head '{Spec}' cannot collapse into one conv: {reason}");
}
