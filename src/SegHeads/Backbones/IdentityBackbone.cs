using SegHeads.Internal;
using static TorchSharp.torch;

namespace SegHeads.Backbones;

/// <summary>
/// Passes images through unchanged, so a head alone is the whole model: the cleanest setting for
/// comparing heads of one function class (the linear-dynamics experiments use it).
/// </summary>
public sealed class IdentityBackbone : Backbone
{
    private readonly int channels;

    /// <summary>Creates the backbone.</summary>
    /// <param name="channels">Image channels, which are also the feature channels.</param>
    public IdentityBackbone(int channels)
        : base(nameof(IdentityBackbone))
    {
        Shapes.RequirePositive(channels, nameof(channels));
        this.channels = channels;
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int InChannels => channels;

    /// <inheritdoc />
    public override int OutChannels => channels;

    /// <inheritdoc />
    public override int OutputStride => 1;

    /// <inheritdoc />
    public override int SizeDivisor => 1;

    /// <summary>Returns the input (an alias, not a copy).</summary>
    /// <param name="input">Images <c>[N, C, H, W]</c>.</param>
    public override Tensor forward(Tensor input)
    {
        Shapes.RequireImageBatch(input, channels, nameof(IdentityBackbone), nameof(input));
        return input.alias();
    }

    /// <inheritdoc />
    public override Backbone Clone() => new IdentityBackbone(channels);
}
