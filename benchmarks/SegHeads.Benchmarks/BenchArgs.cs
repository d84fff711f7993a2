using System.Globalization;

namespace SegHeads.Benchmarks;

/// <summary>Command-line options: <c>--name value</c> pairs and bare <c>--flag</c>s after the command word.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string?> values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> used = new(StringComparer.OrdinalIgnoreCase);

    public BenchArgs(IEnumerable<string> args)
    {
        string? pending = null;
        foreach (string arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                if (pending is not null)
                {
                    values[pending] = null;
                }

                pending = arg[2..];
                int eq = pending.IndexOf('=', StringComparison.Ordinal);
                if (eq >= 0)
                {
                    values[pending[..eq]] = pending[(eq + 1)..];
                    pending = null;
                }
            }
            else if (pending is not null)
            {
                values[pending] = arg;
                pending = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'; options are --name value.");
            }
        }

        if (pending is not null)
        {
            values[pending] = null;
        }
    }

    public bool Flag(string name)
    {
        used.Add(name);
        return values.TryGetValue(name, out string? v) && (v is null || bool.Parse(v));
    }

    public string? String(string name, string? fallback = null)
    {
        used.Add(name);
        return values.TryGetValue(name, out string? v) ? v ?? throw new ArgumentException($"--{name} needs a value.") : fallback;
    }

    public int Int(string name, int fallback) => int.Parse(String(name, fallback.ToString(CultureInfo.InvariantCulture))!, CultureInfo.InvariantCulture);

    public IReadOnlyList<string> List(string name, string fallback) =>
        String(name, fallback)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<int> Ints(string name, string fallback) =>
        [.. List(name, fallback).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    /// <summary>Throws on options no command asked for (typos would otherwise be silently ignored).</summary>
    public void RejectUnknown()
    {
        string[] unknown = [.. values.Keys.Where(k => !used.Contains(k))];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
        }
    }
}
