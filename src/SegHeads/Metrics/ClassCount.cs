namespace SegHeads.Metrics;

/// <summary>
/// The classes that data, losses and metrics count for a model with a given number of output
/// channels: a binary model has one logit channel (K = 1) yet two classes (background and
/// foreground), every other model has one class per channel.
/// </summary>
public static class ClassCount
{
    /// <summary>The counted classes of a model with <paramref name="outputChannels"/> logit channels.</summary>
    /// <param name="outputChannels">Logit channels K of the model (1 for binary segmentation).</param>
    /// <returns>2 when K = 1, otherwise K.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outputChannels"/> is not positive.</exception>
    public static int For(int outputChannels)
    {
        if (outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputChannels), outputChannels, $"A model needs at least one output channel, but got {outputChannels}.");
        }

        return Math.Max(outputChannels, 2);
    }

    /// <summary>The counted classes of a model with <paramref name="outputChannels"/> logit channels (shape arithmetic form).</summary>
    /// <param name="outputChannels">Logit channels K, e.g. <c>logits.shape[1]</c>.</param>
    /// <returns>2 when K = 1, otherwise K.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="outputChannels"/> is not positive.</exception>
    public static long For(long outputChannels)
    {
        if (outputChannels <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(outputChannels), outputChannels, $"A model needs at least one output channel, but got {outputChannels}.");
        }

        return Math.Max(outputChannels, 2);
    }
}
