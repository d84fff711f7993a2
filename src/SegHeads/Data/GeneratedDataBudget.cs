using System.Globalization;

namespace SegHeads.Data;

/// <summary>The memory a generated in-memory dataset may take, checked before a single tensor is allocated.</summary>
public static class GeneratedDataBudget
{
    /// <summary>Largest generated dataset, in bytes (4 GiB): images in float32 plus masks in int64.</summary>
    public const long MaxBytes = 4L << 30;

    /// <summary>Bytes of <paramref name="count"/> images <c>[channels, size, size]</c> in float32 and masks <c>[size, size]</c> in int64.</summary>
    /// <param name="count">Samples.</param>
    /// <param name="channels">Image channels.</param>
    /// <param name="size">Height and width.</param>
    public static long BytesFor(long count, long channels, long size) => count * size * size * ((channels * 4) + 8);

    /// <summary>Throws when the dataset would exceed <see cref="MaxBytes"/>, with the computed size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dataset is too large.</exception>
    internal static void Require(long count, long channels, long size, string what)
    {
        long bytes = BytesFor(count, channels, size);
        if (bytes > MaxBytes || bytes < 0)
        {
            throw new ArgumentOutOfRangeException(what, string.Create(CultureInfo.InvariantCulture,
                $"{what}: {count} images of {channels}x{size}x{size} would take {bytes / (double)(1 << 20):N0} MB in memory; the limit is {MaxBytes >> 20:N0} MB. Use fewer or smaller images."));
        }
    }
}
