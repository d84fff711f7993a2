using SegHeads.Native;
using static TorchSharp.torch;

namespace SegHeads.Backbones;

/// <summary>
/// A feature extractor: images <c>[N, InChannels, H, W]</c> → features
/// <c>[N, OutChannels, H / OutputStride, W / OutputStride]</c>. Heads meet it through
/// <see cref="OutChannels"/> and <see cref="OutputStride"/> only.
/// </summary>
public abstract class Backbone : nn.Module<Tensor, Tensor>
{
    /// <summary>Initialises the module; derived classes call <c>RegisterComponents()</c> last.</summary>
    /// <param name="name">Module name.</param>
    protected Backbone(string name)
        : base(TorchRuntime.Ready(name))
    {
    }

    /// <summary>Image channels the backbone expects.</summary>
    public abstract int InChannels { get; }

    /// <summary>Channels of the features it produces.</summary>
    public abstract int OutChannels { get; }

    /// <summary>Input resolution divided by feature resolution (1 when features are at full resolution).</summary>
    public abstract int OutputStride { get; }

    /// <summary>Input height and width must be multiples of this (the stride of the deepest feature map).</summary>
    public abstract int SizeDivisor { get; }

    /// <summary>A new backbone with the same architecture and a copy of every parameter and buffer, on the same device and dtype.</summary>
    public abstract Backbone Clone();
}
