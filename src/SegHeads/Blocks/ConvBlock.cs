using SegHeads.Internal;
using SegHeads.Native;
using SegHeads.Reparam;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Blocks;

/// <summary>
/// A convolution followed by an optional normalisation and an optional activation:
/// <c>[N, Cin, H, W] → [N, Cout, H', W']</c> with <c>H' = H + 2p − k + 1</c>.
/// State-dict keys: <c>conv.weight</c>, <c>conv.bias</c> (when present), <c>norm.*</c> (when present).
/// </summary>
public sealed class ConvBlock : nn.Module<Tensor, Tensor>, IFusable
{
    // NOTE: field names are state-dict keys; keep them stable. The norm is dropped by Fuse().
    private readonly Conv2d conv;
    private nn.Module<Tensor, Tensor>? norm;
    private readonly nn.Module<Tensor, Tensor>? act;

    /// <summary>Creates the block on the CPU in float32; move it with <c>to(device)</c>.</summary>
    /// <param name="options">The block's configuration; validated here.</param>
    public ConvBlock(ConvBlockOptions options)
        : base(TorchRuntime.Ready(nameof(ConvBlock)))
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Validate();
        conv = nn.Conv2d(options.InChannels, options.OutChannels, options.KernelSize,
            padding: options.EffectivePadding, bias: options.EffectiveBias);
        norm = options.Norm switch
        {
            NormKind.Batch => nn.BatchNorm2d(options.OutChannels),
            NormKind.Group => InitializedGroupNorm(options.EffectiveNormGroups, options.OutChannels),
            _ => null,
        };
        // NOTE: the ReLU runs in place. Its input is always a tensor this block just made (the
        // conv's or the norm's output), and neither conv nor batch/group norm needs its own output
        // for backward, so overwriting it is safe; it saves one allocation and one full pass over
        // the feature map per block (autograd's version counter would catch any misuse).
        act = options.Activation switch
        {
            ActivationKind.Relu => nn.ReLU(inplace: true),
            ActivationKind.LeakyRelu => nn.LeakyReLU(0.01),
            ActivationKind.Gelu => nn.GELU(),
            ActivationKind.Silu => nn.SiLU(),
            _ => null,
        };
        RegisterComponents();
    }

    // NOTE: TorchSharp 0.107's GroupNorm leaves its affine parameters uninitialised (zeros or NaN
    // seen on this machine); PyTorch starts them at weight 1, bias 0.
    private static GroupNorm InitializedGroupNorm(int groups, int channels)
    {
        GroupNorm gn = nn.GroupNorm(groups, channels);
        using (no_grad())
        {
            gn.weight!.fill_(1.0);
            gn.bias!.zero_();
        }

        return gn;
    }

    /// <summary>The block's configuration (after <see cref="Fuse"/>: no batch norm, and a conv bias).</summary>
    public ConvBlockOptions Options { get; private set; }

    /// <inheritdoc />
    public bool IsFused => norm is not BatchNorm2d;

    /// <summary>
    /// Folds the batch norm into the conv with its running statistics (<c>W' = W·γ/√(var+ε)</c>,
    /// <c>b' = (b − mean)·γ/√(var+ε) + β</c>) and removes it, so the block becomes conv → activation
    /// with the same eval-mode output. A group norm is left alone (its statistics are per sample).
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch norm tracks no running statistics.</exception>
    public void Fuse()
    {
        if (norm is not BatchNorm2d bn)
        {
            return;
        }

        if (bn.running_mean is null)
        {
            throw new InvalidOperationException("This ConvBlock's batch norm tracks no running statistics, so it is not an affine map and cannot be fused.");
        }

        using ConvKernel kernel = ConvKernel.FromConv(conv);
        using ConvKernel folded = KernelAlgebra.FoldBatchNorm(kernel, bn);
        using (no_grad())
        {
            conv.weight!.copy_(folded.Weight);
            if (conv.bias is null)
            {
                conv.bias = new Parameter(folded.Bias.clone(), requires_grad: conv.weight.requires_grad);
            }
            else
            {
                conv.bias.copy_(folded.Bias);
            }
        }

        // NOTE: registering null removes the child, so "norm.*" leaves the state dict.
        register_module("norm", null!);
        norm = null;
        bn.Dispose();
        Options = Options with { Norm = NormKind.None, Bias = true };
    }

    /// <summary>The convolution (weight <c>[Cout, Cin, k, k]</c>, bias <c>[Cout]</c> or none).</summary>
    public Conv2d Conv => conv;

    /// <summary>The batch-norm layer, when <see cref="ConvBlockOptions.Norm"/> is <see cref="NormKind.Batch"/>.</summary>
    public BatchNorm2d? BatchNorm => norm as BatchNorm2d;

    /// <summary>
    /// Whether the block is an affine map in its current mode: no activation, and no norm or a
    /// batch norm in eval mode that tracks running statistics.
    /// </summary>
    public bool IsAffine => act is null && (norm is null || (norm is BatchNorm2d bn && !bn.training && bn.running_mean is not null));

    /// <summary>Applies conv → norm → activation.</summary>
    /// <param name="input">Features <c>[N, Cin, H, W]</c>.</param>
    /// <returns>Features <c>[N, Cout, H', W']</c>.</returns>
    public override Tensor forward(Tensor input)
    {
        if (!TrustedInput.Active)
        {
            Shapes.RequireImageBatch(input, Options.InChannels, nameof(ConvBlock), nameof(input));
            Shapes.RequireFits(input, Options.KernelSize, Options.EffectivePadding, nameof(ConvBlock), nameof(input));
            return ChannelsLast.Around(input, Compute);
        }

        return Compute(input);
    }

    private Tensor Compute(Tensor input)
    {
        if (norm is null && act is null)
        {
            return conv.forward(input);
        }

        using var scope = NewDisposeScope();
        Tensor y = conv.forward(input);
        if (norm is not null)
        {
            y = norm.forward(y);
        }

        if (act is not null)
        {
            y = act.forward(y);
        }

        return scope.MoveToOuter(y);
    }
}
