using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using SegHeads.Internal;
using SegHeads.Native;
using SegHeads.Reparam;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Blocks;

/// <summary>
/// Parallel linear conv branches on the same input, summed, with no activation:
/// <c>[N, Cin, H, W] → [N, Cout, H', W']</c>, e.g. 3x3 + 1x3 + 3x1 + 1x1 (ACNet, Ding et al. 2019;
/// RepVGG, Ding et al. 2021; DiverseBranchBlock, Ding et al. 2021). Each branch is a conv with kernel
/// <c>kh x kw</c>, optionally followed by its own batch norm. With <see cref="BranchedConvPadding.Same"/>
/// <c>H' = H</c>; with <see cref="BranchedConvPadding.Valid"/> <c>H' = H − Kh + 1</c> for the largest
/// height <c>Kh</c> (likewise W). In eval semantics the block is one conv: see <see cref="TryFuse"/>.
/// State-dict keys: <c>branches.{i}.conv.weight</c>, <c>branches.{i}.conv.bias</c> (when
/// <see cref="BranchedConvOptions.EffectiveBias"/>), <c>branches.{i}.norm.weight</c>, <c>.bias</c>,
/// <c>.running_mean</c>, <c>.running_var</c>, <c>.num_batches_tracked</c> (with batch norm), in branch order.
/// </summary>
public sealed class BranchedConv : nn.Module<Tensor, Tensor>
{
    // NOTE: field names are state-dict keys; keep them stable.
    private readonly ModuleList<Branch> branches;

    /// <summary>Creates the block on the CPU in float32; move it with <c>to(device)</c>.</summary>
    /// <param name="options">The block's configuration; validated here.</param>
    /// <exception cref="ArgumentException">The options are invalid (see <see cref="BranchedConvOptions.Validate"/>).</exception>
    public BranchedConv(BranchedConvOptions options)
        : base(TorchRuntime.Ready(nameof(BranchedConv)))
    {
        ArgumentNullException.ThrowIfNull(options);
        // Copy the shapes first so a caller's later edit to its list cannot change the block.
        KernelShape[] shapes = [.. options.Validate().Branches];
        Options = options with { Branches = Array.AsReadOnly(shapes) };
        BranchShapes = Array.AsReadOnly(shapes);
        int maxHeight = Options.MaxKernelHeight;
        int maxWidth = Options.MaxKernelWidth;
        branches = new ModuleList<Branch>();
        foreach (KernelShape shape in shapes)
        {
            branches.Add(new Branch(Options, shape, maxHeight, maxWidth));
        }

        RegisterComponents();
    }

    /// <summary>The block's configuration (with its own copy of the branch shapes).</summary>
    public BranchedConvOptions Options { get; }

    /// <summary>The branch kernel shapes, in branch (and state-dict) order.</summary>
    public ReadOnlyCollection<KernelShape> BranchShapes { get; }

    /// <summary>The branch convs (weight <c>[Cout, Cin, kh, kw]</c>), in branch order.</summary>
    public IReadOnlyList<Conv2d> Convs => branches.Select(b => b.Conv).ToList();

    /// <summary>The branch batch norms, in branch order; empty without <see cref="BranchedConvOptions.BatchNorm"/>.</summary>
    public IReadOnlyList<BatchNorm2d> BatchNorms => branches.Select(b => b.Norm).OfType<BatchNorm2d>().ToList();

    /// <summary>Sums the branches.</summary>
    /// <param name="input">Features <c>[N, Cin, H, W]</c> of the block's dtype; with <see cref="BranchedConvPadding.Valid"/> at least <c>Kh x Kw</c>.</param>
    /// <returns>Features <c>[N, Cout, H', W']</c>.</returns>
    /// <exception cref="ArgumentException">The input's rank, channels or dtype differ, or it is smaller than the largest kernel in valid mode.</exception>
    public override Tensor forward(Tensor input)
    {
        if (!TrustedInput.Active)
        {
            Shapes.RequireImageBatch(input, Options.InChannels, nameof(BranchedConv), nameof(input));
            ScalarType dtype = branches[0].Conv.weight.dtype;
            if (input.dtype != dtype)
            {
                throw new ArgumentException($"{nameof(BranchedConv)} holds {dtype} weights, but the input is {input.dtype}.", nameof(input));
            }

            if (Options.Padding == BranchedConvPadding.Valid && (input.shape[2] < Options.MaxKernelHeight || input.shape[3] < Options.MaxKernelWidth))
            {
                throw new ArgumentException(
                    $"{nameof(BranchedConv)} with valid padding and largest kernel {Options.MaxKernelHeight}x{Options.MaxKernelWidth} needs H and W of at least that, but got shape {Shapes.Format(input)}.",
                    nameof(input));
            }

            return ChannelsLast.Around(input, Compute);
        }

        return Compute(input);
    }

    private Tensor Compute(Tensor input)
    {
        if (branches.Count == 1)
        {
            return branches[0].forward(input);
        }

        using var scope = NewDisposeScope();
        Tensor sum = branches[0].forward(input);
        for (int i = 1; i < branches.Count; i++)
        {
            // NOTE: in place is safe: the first output is a fresh tensor, and neither conv nor batch
            // norm needs its own output for backward (autograd's version counter would catch misuse).
            ScalarMath.AddInPlace(sum, branches[i].forward(input));
        }

        return scope.MoveToOuter(sum);
    }

    /// <summary>
    /// The single conv equal to this block in eval semantics (every batch norm with its running
    /// statistics, whatever the module's mode): fold each branch's norm, zero-pad every kernel,
    /// centred, to the largest <c>Kh x Kw</c>, and add weights and biases (<see cref="KernelAlgebra.Sum"/>).
    /// Exact at every pixel, borders included, in both padding modes: in same mode every branch sees
    /// the same zero-padded input; in valid mode a branch cropped by <c>((Kh − kh) / 2, (Kw − kw) / 2)</c>
    /// is exactly its kernel zero-padded to <c>Kh x Kw</c> on the uncropped input.
    /// </summary>
    /// <param name="kernel">Weight <c>[Cout, Cin, Kh, Kw]</c>, bias <c>[Cout]</c>, padding <c>(Kh / 2, Kw / 2)</c> (same) or 0 (valid), in the block's dtype; the caller disposes it.</param>
    /// <param name="reason">Why the block cannot fuse: a batch norm without running statistics.</param>
    /// <returns>Whether the block fused.</returns>
    public bool TryFuse([NotNullWhen(true)] out ConvKernel? kernel, [NotNullWhen(false)] out string? reason)
    {
        kernel = null;
        for (int i = 0; i < branches.Count; i++)
        {
            if (branches[i].Norm is { running_mean: null } or { running_var: null })
            {
                reason = $"branch {i} ({BranchShapes[i]})'s batch norm tracks no running statistics, so it is not an affine map";
                return false;
            }
        }

        var parts = new List<ConvKernel>(branches.Count);
        try
        {
            foreach (Branch branch in branches)
            {
                parts.Add(branch.ToKernel(Options.MaxKernelHeight, Options.MaxKernelWidth));
            }

            kernel = KernelAlgebra.Sum(parts);
        }
        finally
        {
            parts.ForEach(p => p.Dispose());
        }

        reason = null;
        return true;
    }

    /// <summary>The single equivalent conv; see <see cref="TryFuse"/>.</summary>
    /// <returns>Weight <c>[Cout, Cin, Kh, Kw]</c>, bias <c>[Cout]</c>; the caller disposes it.</returns>
    /// <exception cref="InvalidOperationException">The block cannot fuse; the message says why.</exception>
    public ConvKernel ToKernel() =>
        TryFuse(out ConvKernel? kernel, out string? reason)
            ? kernel
            : throw new InvalidOperationException($"The branched conv cannot fuse: {reason}.");

    /// <summary>One branch: conv <c>kh x kw</c> → optional batch norm, on the (in valid mode, cropped) input.</summary>
    private sealed class Branch : nn.Module<Tensor, Tensor>
    {
        // NOTE: field names are state-dict keys (branches.{i}.conv.*, branches.{i}.norm.*).
        private readonly Conv2d conv;
        private readonly BatchNorm2d? norm;
        private readonly int cropHeight;
        private readonly int cropWidth;

        public Branch(BranchedConvOptions options, KernelShape shape, int maxHeight, int maxWidth)
            : base(nameof(Branch))
        {
            bool same = options.Padding == BranchedConvPadding.Same;
            conv = nn.Conv2d(options.InChannels, options.OutChannels, (shape.Height, shape.Width),
                padding: same ? (shape.Height / 2, shape.Width / 2) : (0, 0), bias: options.EffectiveBias);
            norm = options.BatchNorm ? nn.BatchNorm2d(options.OutChannels) : null;
            cropHeight = same ? 0 : (maxHeight - shape.Height) / 2;
            cropWidth = same ? 0 : (maxWidth - shape.Width) / 2;
            RegisterComponents();
        }

        public Conv2d Conv => conv;

        public BatchNorm2d? Norm => norm;

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            Tensor x = input;
            if (cropHeight > 0 || cropWidth > 0)
            {
                // narrow is a view: no copy of the input.
                x = x.narrow(2, cropHeight, x.shape[2] - (2 * cropHeight)).narrow(3, cropWidth, x.shape[3] - (2 * cropWidth));
            }

            Tensor y = conv.forward(x);
            if (norm is not null)
            {
                y = norm.forward(y);
            }

            return scope.MoveToOuter(y);
        }

        /// <summary>The branch as a <c>Kh x Kw</c> kernel on the uncropped input, batch norm folded.</summary>
        public ConvKernel ToKernel(int maxHeight, int maxWidth)
        {
            ConvKernel kernel = ConvKernel.FromConv(conv);
            if (norm is not null)
            {
                ConvKernel folded = KernelAlgebra.FoldBatchNorm(kernel, norm);
                kernel.Dispose();
                kernel = folded;
            }

            if (cropHeight == 0 && cropWidth == 0)
            {
                return kernel;
            }

            // A crop of c pixels followed by an unpadded conv is the kernel centred in a kernel 2c
            // larger, unpadded: PadTo adds the margin to the padding, so reset it to 0.
            using (kernel)
            {
                using ConvKernel padded = KernelAlgebra.PadTo(kernel, maxHeight, maxWidth);
                return padded.WithPadding(0, 0);
            }
        }
    }
}
