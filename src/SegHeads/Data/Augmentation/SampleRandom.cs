namespace SegHeads.Data.Augmentation;

/// <summary>
/// Counter-based random numbers keyed by (seed, epoch, sample index): each draw is a pure function
/// of the key and a slot number, so a sample's augmentation does not depend on which thread makes
/// it, in which order, or which other transforms are enabled.
/// </summary>
internal readonly struct SampleRandom
{
    private readonly ulong key;

    public SampleRandom(int seed, long epoch, long index)
    {
        ulong k = Mix(unchecked((ulong)(uint)seed));
        k = Mix(k ^ unchecked((ulong)epoch));
        key = Mix(k ^ unchecked((ulong)index));
    }

    /// <summary>A uniform double in [0, 1) for a slot.</summary>
    public double Uniform(RandomSlot slot) => (Mix(key + (((ulong)slot + 1) * 0x9E3779B97F4A7C15UL)) >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [low, high].</summary>
    public double Uniform(RandomSlot slot, double low, double high) => low + ((high - low) * Uniform(slot));

    /// <summary>A uniform integer in [0, count).</summary>
    public long Integer(RandomSlot slot, long count) => Math.Min(count - 1, (long)(Uniform(slot) * count));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(RandomSlot slot, double p) => Uniform(slot) < p;

    // SplitMix64's finaliser (Steele, Lea and Flood, 2014).
    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

/// <summary>One independent random draw per decision; the numbers are part of the reproducibility contract.</summary>
internal enum RandomSlot
{
    Scale,
    AspectRatio,
    Rotation,
    HorizontalFlip,
    VerticalFlip,
    OffsetY,
    OffsetX,
    Brightness,
    Contrast,
    Saturation,
    Hue,
}
