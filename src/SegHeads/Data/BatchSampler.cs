using SegHeads.Internal;

namespace SegHeads.Data;

/// <summary>
/// Seeded batching: epoch <c>e</c> visits the samples in a permutation drawn from <c>(seed, e)</c>
/// alone, so any step's batch can be recomputed (resume lands on the same batches) and every epoch
/// is shuffled differently (unlike TorchSharp's DataLoader, which repeats one order).
/// </summary>
public sealed class BatchSampler
{
    /// <summary>Creates a sampler.</summary>
    /// <param name="count">Dataset size.</param>
    /// <param name="batchSize">Samples per batch; the last partial batch of an epoch is dropped so that every batch has this size.</param>
    /// <param name="seed">Shuffling seed.</param>
    /// <param name="shuffle">Whether to shuffle (false: sequential order).</param>
    /// <exception cref="ArgumentException">The dataset is empty or smaller than one batch.</exception>
    public BatchSampler(int count, int batchSize, int seed, bool shuffle = true)
    {
        if (count <= 0)
        {
            throw new ArgumentException($"The dataset is empty (0 samples); training needs at least one batch of {batchSize}.", nameof(count));
        }

        Shapes.RequirePositive(batchSize, nameof(batchSize));
        if (batchSize > count)
        {
            throw new ArgumentException($"The batch size {batchSize} is larger than the dataset ({count} samples).", nameof(batchSize));
        }

        Count = count;
        BatchSize = batchSize;
        Seed = seed;
        Shuffle = shuffle;
    }

    /// <summary>Dataset size.</summary>
    public int Count { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Shuffling seed.</summary>
    public int Seed { get; }

    /// <summary>Whether batches are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Full batches per epoch.</summary>
    public int BatchesPerEpoch => Count / BatchSize;

    /// <summary>The sample indices of global step <paramref name="step"/> (0-based).</summary>
    public long[] BatchAt(long step)
    {
        long epoch = step / BatchesPerEpoch;
        int position = (int)(step % BatchesPerEpoch);
        int[] order = Permutation(epoch);
        var batch = new long[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            batch[i] = order[(position * BatchSize) + i];
        }

        return batch;
    }

    /// <summary>The epoch's visiting order.</summary>
    public int[] Permutation(long epoch)
    {
        int[] order = Enumerable.Range(0, Count).ToArray();
        if (Shuffle)
        {
            // NOTE: a seeded System.Random is a fixed algorithm (unlike HashCode, which is salted per
            // process), so the order depends on (seed, epoch) only, across runs and machines.
            var random = new Random(unchecked((Seed * 1_000_003) + (int)(epoch * 7919) + 17));
            random.Shuffle(order);
        }

        return order;
    }
}
