using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Internal;

/// <summary>Copies parameters and buffers between modules of one architecture.</summary>
internal static class ModuleState
{
    /// <summary>
    /// Moves <paramref name="target"/> to the source's device and dtype, then copies every parameter
    /// and buffer by name and the training mode.
    /// </summary>
    public static void CopyInto(nn.Module source, nn.Module target)
    {
        Tensor? first = source.parameters().FirstOrDefault();
        if (first is not null)
        {
            target.to(first.device);
            target.to(first.dtype);
        }

        using var noGrad = no_grad();
        var targetParams = target.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in source.named_parameters())
        {
            targetParams[name].copy_(parameter);
        }

        var targetBuffers = target.named_buffers().ToDictionary(b => b.name, b => b.buffer);
        foreach (var (name, buffer) in source.named_buffers())
        {
            targetBuffers[name].copy_(buffer);
        }

        target.train(source.training);
    }
}
