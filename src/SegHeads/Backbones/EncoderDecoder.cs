using SegHeads.Blocks;
using SegHeads.Internal;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Backbones;

/// <summary>
/// A small UNet-style encoder-decoder (Ronneberger et al. 2015): per level two 3x3 conv → norm → ReLU
/// blocks; 2x max-pool down, 2x transposed conv up, skip connections by concatenation. Features
/// come out at full resolution with <see cref="EncoderDecoderOptions.BaseWidth"/> channels.
/// State-dict keys: <c>encoders.{i}.{0|1}.*</c>, <c>upsamplers.{j}.*</c>, <c>decoders.{j}.{0|1}.*</c>.
/// </summary>
public sealed class EncoderDecoder : Backbone
{
    private readonly ModuleList<Sequential> encoders;
    private readonly ModuleList<ConvTranspose2d> upsamplers;
    private readonly ModuleList<Sequential> decoders;

    /// <summary>Creates the backbone on the CPU in float32.</summary>
    /// <param name="options">Configuration; <see langword="null"/> for the defaults (3 → 16-32-64 → 16).</param>
    public EncoderDecoder(EncoderDecoderOptions? options = null)
        : base(nameof(EncoderDecoder))
    {
        Options = (options ?? new EncoderDecoderOptions()).Validate();
        encoders = new ModuleList<Sequential>();
        upsamplers = new ModuleList<ConvTranspose2d>();
        decoders = new ModuleList<Sequential>();
        int channels = Options.InChannels;
        for (int level = 0; level < Options.Depth; level++)
        {
            encoders.Add(DoubleConv(channels, Options.WidthAt(level)));
            channels = Options.WidthAt(level);
        }

        for (int level = Options.Depth - 2; level >= 0; level--)
        {
            int width = Options.WidthAt(level);
            upsamplers.Add(nn.ConvTranspose2d(Options.WidthAt(level + 1), width, 2, stride: 2));
            decoders.Add(DoubleConv(2 * width, width));
        }

        RegisterComponents();
    }

    /// <summary>The configuration.</summary>
    public EncoderDecoderOptions Options { get; }

    /// <inheritdoc />
    public override int InChannels => Options.InChannels;

    /// <inheritdoc />
    public override int OutChannels => Options.BaseWidth;

    /// <inheritdoc />
    public override int OutputStride => 1;

    /// <inheritdoc />
    public override int SizeDivisor => 1 << (Options.Depth - 1);

    /// <summary>Extracts features.</summary>
    /// <param name="input">Images <c>[N, InChannels, H, W]</c>, H and W multiples of <see cref="SizeDivisor"/>.</param>
    /// <returns>Features <c>[N, BaseWidth, H, W]</c>.</returns>
    /// <exception cref="ArgumentException">Wrong rank, channel count or a size that is not a multiple of <see cref="SizeDivisor"/>.</exception>
    public override Tensor forward(Tensor input)
    {
        Shapes.RequireImageBatch(input, InChannels, nameof(EncoderDecoder), nameof(input));
        if (input.shape[2] % SizeDivisor != 0 || input.shape[3] % SizeDivisor != 0)
        {
            throw new ArgumentException(
                $"{nameof(EncoderDecoder)} of depth {Options.Depth} needs H and W that are multiples of {SizeDivisor}, but got shape {Shapes.Format(input)}.",
                nameof(input));
        }

        using TrustedInput.Scope trusted = TrustedInput.Enter();
        return ChannelsLast.Around(input, Extract);
    }

    private Tensor Extract(Tensor input)
    {
        using var scope = NewDisposeScope();
        var skips = new List<Tensor>(Options.Depth);
        Tensor x = input;
        for (int level = 0; level < Options.Depth; level++)
        {
            x = encoders[level].forward(x);
            if (level < Options.Depth - 1)
            {
                skips.Add(x);
                x = nn.functional.max_pool2d(x, 2);
            }
        }

        for (int j = 0; j < decoders.Count; j++)
        {
            Tensor up = upsamplers[j].forward(x);
            x = decoders[j].forward(cat([skips[^(j + 1)], up], 1));
        }

        return scope.MoveToOuter(x);
    }

    /// <inheritdoc />
    public override Backbone Clone()
    {
        var copy = new EncoderDecoder(Options);
        ModuleState.CopyInto(this, copy);
        return copy;
    }

    private Sequential DoubleConv(int inChannels, int outChannels)
    {
        var first = new ConvBlockOptions(inChannels, outChannels, 3) { Norm = Options.Norm, Activation = ActivationKind.Relu };
        return nn.Sequential(
            ("0", (nn.Module<Tensor, Tensor>)new ConvBlock(first)),
            ("1", new ConvBlock(first with { InChannels = outChannels })));
    }
}
