using System.Globalization;

namespace SegHeads.Samples.HeadDynamics.Sharding;

/// <summary>
/// One shard of a run list: shard <see cref="Index"/> (1-based) of <see cref="Count"/>. Runs are dealt
/// round-robin (run i belongs to shard (i mod N) + 1) rather than in contiguous blocks, because run lists
/// are ordered by configuration and neighbouring runs cost about the same, so dealing balances the shards.
/// </summary>
internal sealed record ShardSpec(int Index, int Count)
{
    /// <summary>The whole list as one shard.</summary>
    public static ShardSpec All { get; } = new(1, 1);

    /// <summary>Parses "K/N" with 1 ≤ K ≤ N.</summary>
    /// <exception cref="ArgumentException">The text is not K/N with 1 ≤ K ≤ N.</exception>
    public static ShardSpec Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            || n < 1 || k < 1 || k > n)
        {
            throw new ArgumentException($"--shard must be K/N with 1 <= K <= N (e.g. 2/8), but was '{text}'.");
        }

        return new ShardSpec(k, n);
    }

    /// <summary>Whether run number <paramref name="runIndex"/> (0-based, in list order) belongs to this shard.</summary>
    public bool Contains(int runIndex) => runIndex % Count == Index - 1;

    public override string ToString() => $"{Index}/{Count}";
}
