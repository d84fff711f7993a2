using SegHeads.Blocks;

namespace SegHeads.Backbones;

/// <summary>Configuration of <see cref="EncoderDecoder"/>, a small UNet (Ronneberger et al. 2015).</summary>
public sealed record EncoderDecoderOptions
{
    /// <summary>Most channels of any level (and of the input): a larger backbone is almost surely a typo.</summary>
    public const int MaxChannels = 8192;

    /// <summary>Image channels. Default 3.</summary>
    public int InChannels { get; init; } = 3;

    /// <summary>Channels of the first level; level i has <c>BaseWidth · 2^i</c>. Default 16.</summary>
    public int BaseWidth { get; init; } = 16;

    /// <summary>Resolution levels (depth 3 = two 2x downsamplings). Default 3.</summary>
    public int Depth { get; init; } = 3;

    /// <summary>Normalisation in every conv block. Default <see cref="NormKind.Batch"/>.</summary>
    public NormKind Norm { get; init; } = NormKind.Batch;

    /// <summary>Channels of level <paramref name="level"/>.</summary>
    public int WidthAt(int level) => BaseWidth << level;

    /// <summary>Checks every value and throws with the offending one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public EncoderDecoderOptions Validate()
    {
        if (InChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(InChannels), InChannels, $"InChannels must be positive, but was {InChannels}.");
        }

        if (BaseWidth <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseWidth), BaseWidth, $"BaseWidth must be positive, but was {BaseWidth}.");
        }

        if (Depth is < 1 or > 8)
        {
            throw new ArgumentOutOfRangeException(nameof(Depth), Depth, $"Depth must be between 1 and 8, but was {Depth}.");
        }

        if (InChannels > MaxChannels || (long)BaseWidth << (Depth - 1) > MaxChannels)
        {
            throw new ArgumentOutOfRangeException(nameof(BaseWidth), BaseWidth,
                $"InChannels and the deepest width BaseWidth · 2^(Depth − 1) must be at most {MaxChannels}, but were {InChannels} and {(long)BaseWidth << (Depth - 1)} (BaseWidth {BaseWidth}, Depth {Depth}).");
        }

        if (!Enum.IsDefined(Norm))
        {
            throw new ArgumentOutOfRangeException(nameof(Norm), Norm, $"Unknown norm kind {(int)Norm}.");
        }

        return this;
    }
}
