using System.Diagnostics.CodeAnalysis;

namespace SegHeads.Heads;

/// <summary>
/// The head kinds that spec strings can name (timm's <c>register_model</c> for heads). The
/// built-in kinds register themselves when the library loads; any assembly adds its own with
/// <see cref="Register"/>. Thread-safe.
/// </summary>
public static class HeadRegistry
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, HeadKind> ByName = new(StringComparer.Ordinal);

    /// <summary>Adds a kind so that spec strings can name it.</summary>
    /// <param name="kind">The kind; its name must be new, and its default layers and examples must parse.</param>
    /// <returns>The same kind, for chaining into a static field.</returns>
    /// <exception cref="ArgumentException">A kind of that name exists, or its defaults or examples are not valid specs.</exception>
    public static HeadKind Register(HeadKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        lock (Gate)
        {
            if (ByName.TryGetValue(kind.Name, out HeadKind? existing))
            {
                if (ReferenceEquals(existing, kind))
                {
                    return kind;
                }

                throw new ArgumentException($"A head kind named '{kind.Name}' is already registered; choose another name.", nameof(kind));
            }

            ByName.Add(kind.Name, kind);
            try
            {
                HeadSpec.Parse(kind.Name);
                foreach (string example in kind.Examples)
                {
                    HeadSpec.Parse(example);
                }
            }
            catch (FormatException e)
            {
                ByName.Remove(kind.Name);
                throw new ArgumentException($"Head kind '{kind.Name}' does not accept its own defaults or examples: {e.Message}", nameof(kind), e);
            }
        }

        return kind;
    }

    /// <summary>The registered kinds, ordered by name.</summary>
    public static IReadOnlyList<HeadKind> Kinds
    {
        get
        {
            lock (Gate)
            {
                return [.. ByName.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Finds a kind by name.</summary>
    /// <param name="name">The kind's name (case-sensitive, lower-case).</param>
    /// <param name="kind">The kind, when found.</param>
    /// <returns>Whether the kind is registered.</returns>
    public static bool TryGet(string name, [NotNullWhen(true)] out HeadKind? kind)
    {
        ArgumentNullException.ThrowIfNull(name);
        lock (Gate)
        {
            return ByName.TryGetValue(name, out kind);
        }
    }

    /// <summary>Every registered kind's examples, parsed, in kind order.</summary>
    public static IReadOnlyList<HeadSpec> Examples => [.. Kinds.SelectMany(k => k.Examples).Select(HeadSpec.Parse)];

    /// <summary>The spec grammar with one line per registered kind, quoted in every parse error.</summary>
    public static string Grammar =>
        "spec := kind[:layers[@width]][+option]...; layers = odd kernel sizes joined by '-', first to last; "
        + $"width = hidden channels (default {HeadSpec.DefaultWidth}); kinds: "
        + string.Join(" | ", Kinds.Select(k => k.Describe()))
        + ". Examples: " + string.Join(", ", Kinds.SelectMany(k => k.Examples.Take(1)));

    internal static HeadKind Require(string name) =>
        TryGet(name, out HeadKind? kind)
            ? kind
            : throw new ArgumentException($"No head kind named '{name}' is registered; known: {string.Join(", ", Kinds)}.", nameof(name));
}
