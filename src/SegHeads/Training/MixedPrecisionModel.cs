using SegHeads.Heads;
using SegHeads.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Training;

/// <summary>
/// The bfloat16 compute copy of a float32 <see cref="SegmentationModel"/> (the master) for
/// <see cref="Precision.BFloat16Mixed"/>: same architecture and device, convolutions and heads in
/// bfloat16, normalisation layers in float32. A step loads the masters into the copy, runs forward
/// and backward on it, hands its gradients to the masters' <c>grad</c> (float32) and its batch-norm
/// running statistics back to the masters, so the optimizer and checkpoints only ever see float32.
/// </summary>
/// <remarks>
/// libtorch 2.10's CPU bfloat16 convolution computes the input gradient wrongly when the conv has
/// an odd number of output channels (measured: 20–100% relative error for 1 and 3 outputs, 0.3% for
/// 2, 4, 8, 16; the forward and the weight gradient are right). The class layer has K outputs, so
/// for odd K the copy's head predicts K + 1 classes, the extra one with zero weights, and
/// <see cref="Forward"/> drops it: its gradient is zero and the rest is exact. Odd widths elsewhere
/// are refused on the CPU (<see cref="Create"/>).
/// </remarks>
internal sealed class MixedPrecisionModel : IDisposable
{
    private readonly SegmentationModel master;
    private readonly SegmentationModel compute;
    private readonly (Parameter Master, Parameter Compute, Tensor Rows)[] parameters;
    private readonly (Tensor Master, Tensor Rows)[] buffers;

    private MixedPrecisionModel(SegmentationModel master, SegmentationModel compute)
    {
        this.master = master;
        this.compute = compute;
        var computeParameters = compute.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        parameters = [.. master.named_parameters().Select(p => (p.parameter, computeParameters[p.name], Rows(p.name, p.parameter, computeParameters[p.name])))];
        var computeBuffers = compute.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        buffers = [.. master.named_buffers().Select(b => (b.buffer, Rows(b.name, b.buffer, computeBuffers[b.name])))];
    }

    /// <summary>The compute copy (for tests).</summary>
    internal SegmentationModel Compute => compute;

    /// <summary>
    /// Builds the compute copy of <paramref name="master"/>, which must be float32: the masters are
    /// what the optimizer steps on and what checkpoints hold.
    /// </summary>
    /// <exception cref="ArgumentException">The model's floating-point parameters are not all float32.</exception>
    public static MixedPrecisionModel Create(SegmentationModel master, string optionName)
    {
        RequireFloat32(master, optionName, nameof(master));

        // NOTE: building the copy initialises fresh parameters (then overwritten); keep torch's RNG
        // where it was, so a mixed run draws the same random numbers as a float32 run.
        using Tensor rng = get_rng_state();
        SegmentationModel compute;
        int classes = master.NumClasses % 2 == 0 ? master.NumClasses : master.NumClasses + 1;
        try
        {
            compute = new SegmentationModel(
                master.Backbone.Clone(),
                HeadFactory.Create(master.Head.Spec, master.Head.InChannels, classes),
                master.SizePolicy);
        }
        finally
        {
            set_rng_state(rng);
        }

        Tensor first = master.parameters().First();
        compute.to(first.device);
        compute.to(bfloat16);
        foreach (var (_, module) in compute.named_modules())
        {
            // NOTE: libtorch's CPU batch/group/layer norm take bfloat16 input with float32 weights
            // and statistics (the output stays bfloat16). Running statistics accumulated in bfloat16
            // would lose the momentum updates (8-bit mantissa), so norms stay float32.
            if (IsNorm(module))
            {
                module.to(float32);
            }
        }

        RequireEvenWidths(compute, first.device, optionName, nameof(master));
        var mixed = new MixedPrecisionModel(master, compute);
        using (no_grad())
        {
            foreach (var (_, c, _) in mixed.parameters)
            {
                // NOTE: the padded class's weights and bias stay zero: LoadMasters writes only the first K rows.
                c.zero_();
            }
        }

        mixed.LoadMasters();
        return mixed;
    }

    /// <summary>Throws unless every floating-point parameter and buffer of <paramref name="model"/> is float32.</summary>
    /// <exception cref="ArgumentException">One is not float32; the message names it, its dtype and the option.</exception>
    public static void RequireFloat32(nn.Module model, string optionName, string paramName)
    {
        foreach (var (name, tensor) in model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)).Concat(model.named_buffers()))
        {
            if (tensor.is_floating_point() && tensor.dtype != ScalarType.Float32)
            {
                throw new ArgumentException(
                    $"{optionName} {Precision.BFloat16Mixed} needs a float32 model (its float32 parameters are the master weights), "
                    + $"but '{name}' is {tensor.dtype}. Convert the model with model.to(float32), or use {Precision.Float32}.",
                    paramName);
            }
        }
    }

    /// <summary>Copies the masters' parameters and buffers (cast) into the compute copy and matches its training mode.</summary>
    public void LoadMasters()
    {
        using (no_grad())
        {
            foreach (var (m, _, rows) in parameters)
            {
                rows.copy_(m);
            }

            foreach (var (m, rows) in buffers)
            {
                rows.copy_(m);
            }
        }

        if (compute.training != master.training)
        {
            compute.train(master.training);
        }
    }

    /// <summary>Loads the masters, then switches the compute copy to eval mode without gradients until disposed.</summary>
    public InferenceScope BeginInference()
    {
        LoadMasters();
        return compute.BeginInference();
    }

    /// <summary>Clears the compute copy's gradients before a backward pass.</summary>
    public void ZeroGrad() => compute.zero_grad();

    /// <summary>The compute copy's logits for float32 <paramref name="images"/>, as float32 (the loss and argmax run on these).</summary>
    /// <param name="images">Images <c>[N, C, H, W]</c> of the masters' dtype.</param>
    /// <returns>Logits <c>[N, K, H, W]</c>, float32, connected to the compute copy's graph.</returns>
    public Tensor Forward(Tensor images)
    {
        using Tensor low = images.to(bfloat16);
        using Tensor logits = compute.forward(low);
        if (logits.shape[1] == master.NumClasses)
        {
            return logits.to(float32);
        }

        using Tensor classes = logits.narrow(1, 0, master.NumClasses);
        return classes.to(float32);
    }

    /// <summary>Writes the compute copy's gradients (cast to float32) into the masters' <c>grad</c>; masters without one get none.</summary>
    public void CopyGradientsToMasters()
    {
        using var noGrad = no_grad();
        foreach (var (m, c, _) in parameters)
        {
            using Tensor? full = c.grad;
            if (full is null)
            {
                continue;
            }

            using Tensor g = m.shape.SequenceEqual(full.shape) ? full.alias() : full.narrow(0, 0, m.shape[0]);

            using Tensor? existing = m.grad;
            if (existing is null)
            {
                using Tensor g32 = g.to(m.dtype);
                m.grad = g32;
            }
            else
            {
                existing.copy_(g);
            }
        }
    }

    /// <summary>Copies the compute copy's buffers (batch-norm running statistics and counts) back to the masters.</summary>
    public void CopyBuffersToMasters()
    {
        using var noGrad = no_grad();
        foreach (var (m, rows) in buffers)
        {
            m.copy_(rows);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var (_, _, rows) in parameters)
        {
            rows.Dispose();
        }

        foreach (var (_, rows) in buffers)
        {
            rows.Dispose();
        }

        compute.Dispose();
    }

    // The part of a compute tensor that mirrors the master: all of it, or its first rows when the
    // class dimension was padded (see the remarks).
    private static Tensor Rows(string name, Tensor master, Tensor compute)
    {
        if (master.shape.SequenceEqual(compute.shape))
        {
            return compute.alias();
        }

        if (master.dim() == 0 || master.dim() != compute.dim() || !master.shape.Skip(1).SequenceEqual(compute.shape.Skip(1)) || compute.shape[0] != master.shape[0] + 1)
        {
            throw new InvalidOperationException(
                $"The bfloat16 compute copy's '{name}' is [{string.Join(", ", compute.shape)}] but the model's is [{string.Join(", ", master.shape)}]; only the class dimension may differ by one.");
        }

        return compute.narrow(0, 0, master.shape[0]);
    }

    private static void RequireEvenWidths(SegmentationModel compute, Device device, string optionName, string paramName)
    {
        if (device.type != DeviceType.CPU)
        {
            return;
        }

        foreach (var (name, module) in compute.named_modules())
        {
            if (module is Conv2d conv && conv.weight is { } w && w.shape[0] % 2 == 1)
            {
                throw new ArgumentException(
                    $"{optionName} {Precision.BFloat16Mixed} on the CPU needs convolutions with an even number of output channels "
                    + $"(libtorch's bfloat16 input gradient is wrong for odd counts), but '{name}' has {w.shape[0]}. "
                    + $"Use even widths, or {Precision.Float32}.",
                    paramName);
            }
        }
    }

    private static bool IsNorm(nn.Module module) => module is NormBase or GroupNorm or LayerNorm;
}
