using System.Reflection;
using Spectre.Console.Cli;

namespace SegHeads.Cli;

/// <summary>Finds command-line tokens that no option of a settings type declares, and the nearest known option.</summary>
public static class OptionCheck
{
    /// <summary>
    /// The first problem with <paramref name="args"/> for <typeparamref name="TSettings"/>: an unknown
    /// option (with the nearest known one) or a stray argument; <see langword="null"/> when there is none.
    /// </summary>
    /// <typeparam name="TSettings">The command's settings, whose properties carry <see cref="CommandOptionAttribute"/>.</typeparam>
    /// <param name="args">The command line.</param>
    public static string? FindProblem<TSettings>(IReadOnlyList<string> args)
        where TSettings : CommandSettings
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = typeof(TSettings).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.GetCustomAttribute<CommandOptionAttribute>())
            .OfType<CommandOptionAttribute>()
            .ToList();
        var known = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (CommandOptionAttribute option in options)
        {
            bool takesValue = option.ValueName is not null && !option.ValueIsOptional;
            foreach (string name in option.LongNames)
            {
                known["--" + name] = takesValue;
            }

            foreach (string name in option.ShortNames)
            {
                known["-" + name] = takesValue;
            }
        }

        known["--help"] = false;
        known["-h"] = false;
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (!token.StartsWith('-') || (token.Length > 1 && char.IsDigit(token[1])))
            {
                return $"Unexpected argument '{token}': every setting is an option such as {string.Join(", ", known.Keys.Where(k => k.StartsWith("--", StringComparison.Ordinal)).Take(3))}.";
            }

            string name = token.Split('=', 2)[0];
            if (!known.TryGetValue(name, out bool takesValue))
            {
                string nearest = known.Keys.MinBy(k => Distance(k, name))!;
                return $"Unknown option '{name}'. Did you mean '{nearest}'? (--help lists every option.)";
            }

            if (takesValue && !token.Contains('=', StringComparison.Ordinal))
            {
                i++;
            }
        }

        return null;
    }

    /// <summary>Levenshtein distance: the number of single-character edits that turn one string into the other.</summary>
    /// <param name="a">One string.</param>
    /// <param name="b">The other.</param>
    public static int Distance(string a, string b)
    {
        int[] previous = Enumerable.Range(0, b.Length + 1).ToArray();
        int[] current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(Math.Min(previous[j] + 1, current[j - 1] + 1), substitute);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
