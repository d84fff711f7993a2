namespace SegHeads.Inference;

/// <summary>Where windows start along one axis.</summary>
internal static class TileGrid
{
    /// <summary>
    /// Starts <c>0, stride, 2·stride, …</c> and a last window flush with the end, so every pixel of
    /// <c>[0, length)</c> is covered and no window leaves it (mmsegmentation's slide inference does the same).
    /// </summary>
    /// <param name="length">Axis length, at least <paramref name="window"/>.</param>
    /// <param name="window">Window size.</param>
    /// <param name="stride">Step, at most <paramref name="window"/>.</param>
    public static long[] Starts(long length, long window, long stride)
    {
        long count = ((length - window + stride - 1) / stride) + 1;
        var starts = new long[count];
        for (long i = 0; i < count; i++)
        {
            starts[i] = Math.Min(i * stride, length - window);
        }

        return starts;
    }
}
