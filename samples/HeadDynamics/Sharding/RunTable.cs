using System.Globalization;
using System.Text;

namespace SegHeads.Samples.HeadDynamics.Sharding;

/// <summary>
/// CSV rows keyed by run ID (the first column), written in the order of a run list. A shard writes the
/// rows of its runs; <see cref="Merge"/> puts shards' rows back in list order, so merged shards give the
/// same bytes as one unsharded run.
/// </summary>
internal sealed class RunTable
{
    private readonly Dictionary<string, List<string>> rows = new(StringComparer.Ordinal);

    public RunTable(string header)
    {
        if (!header.StartsWith("run,", StringComparison.Ordinal))
        {
            throw new ArgumentException($"A run table's first column must be 'run', but the header was '{header}'.");
        }

        Header = header;
    }

    public string Header { get; }

    public IReadOnlyCollection<string> RunIds => rows.Keys;

    public bool Contains(string runId) => rows.ContainsKey(runId);

    /// <summary>Adds the rows of one run (each row must start with the run ID).</summary>
    /// <exception cref="InvalidOperationException">The run already has rows (two shards ran it).</exception>
    public void Add(string runId, IEnumerable<string> lines)
    {
        List<string> list = lines.ToList();
        if (list.Any(l => !l.StartsWith(runId + ",", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"Every row of run '{runId}' must start with '{runId},'.");
        }

        if (!rows.TryAdd(runId, list))
        {
            throw new InvalidOperationException($"Run '{runId}' appears twice; were the same shards merged twice or run with overlapping --shard values?");
        }
    }

    /// <summary>The rows of one run, split into fields.</summary>
    public IEnumerable<string[]> Rows(string runId) =>
        rows.TryGetValue(runId, out List<string>? list) ? list.Select(l => l.Split(',')) : [];

    /// <summary>Writes the header and the rows of every run present, in <paramref name="order"/>.</summary>
    /// <exception cref="InvalidOperationException">A run present is not in <paramref name="order"/>.</exception>
    public void Write(string path, IReadOnlyList<string> order)
    {
        var known = new HashSet<string>(order, StringComparer.Ordinal);
        string? stranger = rows.Keys.FirstOrDefault(id => !known.Contains(id));
        if (stranger is not null)
        {
            throw new InvalidOperationException($"Run '{stranger}' in {path} is not in this configuration's run list (merged shards of a different --quick/--seeds setting?).");
        }

        var text = new StringBuilder(Header).Append('\n');
        foreach (string id in order)
        {
            if (rows.TryGetValue(id, out List<string>? list))
            {
                foreach (string line in list)
                {
                    text.Append(line).Append('\n');
                }
            }
        }

        Csv.Write(path, text.ToString());
    }

    /// <summary>Reads a table written by <see cref="Write"/> and adds its rows to this one.</summary>
    /// <exception cref="InvalidDataException">The file's header differs from <see cref="Header"/>.</exception>
    public void AddFile(string path)
    {
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0 || lines[0] != Header)
        {
            throw new InvalidDataException($"{path}: expected the header '{Header}', but found '{(lines.Length == 0 ? "(empty file)" : lines[0])}'.");
        }

        foreach (var group in lines.Skip(1).Where(l => l.Length > 0).GroupBy(l => l[..l.IndexOf(',', StringComparison.Ordinal)], StringComparer.Ordinal))
        {
            Add(group.Key, group);
        }
    }

    public static string Format(FormattableString row) => row.ToString(CultureInfo.InvariantCulture);
}
