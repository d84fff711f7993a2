using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using SegHeads.Blocks;

namespace SegHeads.Heads;

/// <summary>
/// An immutable, validated description of a segmentation head: a registered <see cref="HeadKind"/>,
/// its layers, hidden width and options. It is metadata only (the head carries the behaviour) and
/// has a canonical string form that round-trips through <see cref="Parse"/> and <see cref="ToString"/>,
/// so experiments swap heads by string.
/// </summary>
/// <remarks>
/// <para>Grammar (the full text with every registered kind is <see cref="Grammar"/>):</para>
/// <code>
/// spec   := kind [ ':' layers [ '@' width ] ] { '+' option }
/// layers := layer { '-' layer }       first to last conv
/// layer  := k | branch { ',' branch } a bare odd size k, or parallel branches (kinds that allow them)
/// branch := h 'x' w                   odd sizes, e.g. 1x3
/// width  := hidden channels           (default 64; omitted in the canonical form for one layer)
/// </code>
/// <para>Examples: <c>linear</c>, <c>stacked-linear:3-3-1@64+bn+pad-once</c>, <c>activated:3-3-1@64+bn</c>,
/// <c>branched-linear:3-3-1@64+bn</c>, <c>branched-linear:3x3,1x3,3x1-1@16</c>.</para>
/// <para>Bounds (so a typo fails here, not in libtorch's allocator): kernel sizes up to
/// <see cref="MaxKernelSize"/>, widths up to <see cref="MaxWidth"/>, up to <see cref="MaxLayers"/> layers.</para>
/// </remarks>
public sealed class HeadSpec : IEquatable<HeadSpec>
{
    /// <summary>Default hidden width of multi-layer heads.</summary>
    public const int DefaultWidth = 64;

    /// <summary>Largest kernel height or width a spec accepts.</summary>
    public const int MaxKernelSize = 31;

    /// <summary>Largest hidden width a spec accepts.</summary>
    public const int MaxWidth = 16384;

    /// <summary>Most layers a spec accepts.</summary>
    public const int MaxLayers = 16;

    private readonly HeadLayer[] layers;
    private readonly HeadOption[] options;
    private readonly string canonical;

    private HeadSpec(HeadKind kind, HeadLayer[] layers, int width, HeadOption[] options)
    {
        Kind = kind;
        this.layers = layers;
        Width = width;
        this.options = options;
        canonical = Format();
    }

    /// <summary>The grammar with every registered kind, quoted in every parse error.</summary>
    public static string Grammar => HeadRegistry.Grammar;

    /// <summary>The head kind.</summary>
    public HeadKind Kind { get; }

    /// <summary>The layers, first to last (the kind's fixed layers when it takes none, e.g. <c>[1x1]</c> for <c>linear</c>).</summary>
    public IReadOnlyList<HeadLayer> Layers => layers;

    /// <summary>Each layer's square size, first to last, e.g. <c>[3, 3, 1]</c>.</summary>
    public IReadOnlyList<int> Kernels => [.. layers.Select(l => l.Size)];

    /// <summary>Channels of every hidden (non-final) layer; <see cref="DefaultWidth"/> when there is one layer.</summary>
    public int Width { get; }

    /// <summary>The options given, in the kind's canonical order, without implied defaults.</summary>
    public IReadOnlyList<HeadOption> Options => options;

    /// <summary>The normalisation the options select (<c>+bn</c>, <c>+gn</c>, or none).</summary>
    public NormKind Norm => Has(HeadOption.BatchNorm) ? NormKind.Batch : Has(HeadOption.GroupNorm) ? NormKind.Group : NormKind.None;

    /// <summary>The padding mode the options select (<c>+pad-once</c>, else pad-each).</summary>
    public HeadPadding Padding => Has(HeadOption.PadOnce) ? HeadPadding.PadOnce : HeadPadding.PadEach;

    /// <summary>Whether the spec sets <paramref name="option"/> (matched by name).</summary>
    /// <param name="option">The option.</param>
    public bool Has(HeadOption option)
    {
        ArgumentNullException.ThrowIfNull(option);
        return options.Any(o => o.Name == option.Name);
    }

    /// <summary>Creates a validated spec from parts.</summary>
    /// <param name="kind">A registered kind.</param>
    /// <param name="layers">The layers; <see langword="null"/> for the kind's defaults.</param>
    /// <param name="width">Hidden channels; <see langword="null"/> for <see cref="DefaultWidth"/>.</param>
    /// <param name="options">Options; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException">The kind is not registered or the combination is invalid; the message gives the reason and the grammar.</exception>
    public static HeadSpec Create(HeadKind kind, IEnumerable<HeadLayer>? layers = null, int? width = null, IEnumerable<HeadOption>? options = null)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (!HeadRegistry.TryGet(kind.Name, out HeadKind? registered) || !ReferenceEquals(registered, kind))
        {
            throw new ArgumentException($"Head kind '{kind.Name}' is not registered; call HeadRegistry.Register first.", nameof(kind));
        }

        HeadLayer[]? given = layers?.ToArray();
        if (given is not null && !kind.HasLayers)
        {
            throw Invalid($"'{kind.Name}' takes no layers, but got {string.Join("-", given.Select(l => l.ToString()))}");
        }

        HeadOption[] opts = options?.ToArray() ?? [];
        return TryBuild(kind, given, width, opts.Select(o => o.Name), out HeadSpec? spec, out string? error)
            ? spec
            : throw Invalid(error);
    }

    /// <summary>The classic 1x1 classifier, <c>linear</c>.</summary>
    public static HeadSpec Linear() => Parse("linear");

    /// <summary>A stacked linear head, <c>stacked-linear:…</c> (convs with no activation).</summary>
    /// <param name="kernels">Odd kernel sizes, first to last; default 3-3-1.</param>
    /// <param name="width">Hidden channels.</param>
    /// <param name="batchNorm">Batch norm after each hidden conv.</param>
    /// <param name="padding">Padding mode.</param>
    /// <exception cref="ArgumentException">A kernel is even or out of bounds, or the width is out of bounds.</exception>
    public static HeadSpec StackedLinear(IReadOnlyList<int>? kernels = null, int width = DefaultWidth, bool batchNorm = false, HeadPadding padding = HeadPadding.PadEach) =>
        Create(StackedLinearHead.Kind, kernels?.Select(HeadLayer.Conv), width, ConvOptions(batchNorm ? NormKind.Batch : NormKind.None, padding));

    /// <summary>An activated head, <c>activated:…</c> (norm + ReLU between convs).</summary>
    /// <param name="kernels">Odd kernel sizes, first to last; default 3-3-1.</param>
    /// <param name="width">Hidden channels.</param>
    /// <param name="norm">Normalisation after each hidden conv.</param>
    /// <param name="padding">Padding mode.</param>
    /// <exception cref="ArgumentException">A kernel is even or out of bounds, or the width is out of bounds.</exception>
    public static HeadSpec Activated(IReadOnlyList<int>? kernels = null, int width = DefaultWidth, NormKind norm = NormKind.Batch, HeadPadding padding = HeadPadding.PadEach) =>
        Create(ActivatedHead.Kind, kernels?.Select(HeadLayer.Conv), width, ConvOptions(norm, padding));

    /// <summary>Parses a spec string (case-insensitive, surrounding white space ignored).</summary>
    /// <param name="text">The spec, e.g. <c>stacked-linear:3-3-1@64+bn</c>.</param>
    /// <exception cref="FormatException">The text does not follow <see cref="Grammar"/>; the message gives the reason and quotes the grammar.</exception>
    public static HeadSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out HeadSpec? spec, out string? error)
            ? spec
            : throw new FormatException($"Invalid head spec '{text}': {error}. Grammar: {Grammar}");
    }

    /// <summary>Parses a spec string without throwing.</summary>
    /// <param name="text">The spec.</param>
    /// <param name="spec">The parsed spec, when the result is <see langword="true"/>.</param>
    /// <returns>Whether the text is a valid spec.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out HeadSpec? spec) => TryParse(text, out spec, out _);

    /// <summary>Parses a spec string without throwing, and says why it is invalid.</summary>
    /// <param name="text">The spec.</param>
    /// <param name="spec">The parsed spec, when the result is <see langword="true"/>.</param>
    /// <param name="error">The reason, when the result is <see langword="false"/>.</param>
    /// <returns>Whether the text is a valid spec.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out HeadSpec? spec, [NotNullWhen(false)] out string? error) =>
        HeadSpecParser.TryParse(text, out spec, out error);

    /// <summary>
    /// An upper bound on the parameter count of a chain of these layers from
    /// <paramref name="inChannels"/> through <see cref="Width"/> to <paramref name="numClasses"/>:
    /// the weights of every branch plus two per output channel (a bias, or a norm's scale and
    /// shift), computed without allocating anything.
    /// </summary>
    /// <param name="inChannels">Feature channels C.</param>
    /// <param name="numClasses">Classes K.</param>
    public long EstimateParameters(int inChannels, int numClasses)
    {
        long total = 0;
        long channels = inChannels;
        for (int i = 0; i < layers.Length; i++)
        {
            long outChannels = i == layers.Length - 1 ? numClasses : Width;
            total += (channels * outChannels * layers[i].Branches.Sum(b => (long)b.Area)) + (2 * outChannels * layers[i].Branches.Count);
            channels = outChannels;
        }

        return total;
    }

    /// <summary>The canonical string, e.g. <c>stacked-linear:3-3-1@64+bn+pad-once</c>.</summary>
    public override string ToString() => canonical;

    /// <summary>Value equality: equal canonical strings.</summary>
    public bool Equals(HeadSpec? other) => other is not null && canonical == other.canonical;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as HeadSpec);

    /// <inheritdoc />
    public override int GetHashCode() => canonical.GetHashCode(StringComparison.Ordinal);

    /// <summary>Equality of two specs (<see langword="null"/>-safe).</summary>
    public static bool operator ==(HeadSpec? left, HeadSpec? right) => left?.Equals(right) ?? right is null;

    /// <summary>Inequality of two specs.</summary>
    public static bool operator !=(HeadSpec? left, HeadSpec? right) => !(left == right);

    /// <summary>Normalises and validates parts; the single place every spec passes through.</summary>
    internal static bool TryBuild(HeadKind kind, HeadLayer[]? layers, int? width, IEnumerable<string> optionNames,
        [NotNullWhen(true)] out HeadSpec? spec, [NotNullWhen(false)] out string? error)
    {
        spec = null;
        if (layers is null)
        {
            if (!HeadSpecParser.TryParseLayers(kind, kind.DefaultLayers, out layers, out error))
            {
                error = $"the default layers of '{kind.Name}' are invalid: {error}";
                return false;
            }
        }

        if (layers.Length == 0 || layers.Length > MaxLayers)
        {
            error = $"a head has 1 to {MaxLayers} layers, but got {layers.Length}";
            return false;
        }

        foreach (HeadLayer layer in layers)
        {
            foreach (KernelShape b in layer.Branches)
            {
                if (b.Height <= 0 || b.Width <= 0 || b.Height % 2 == 0 || b.Width % 2 == 0 || b.Height > MaxKernelSize || b.Width > MaxKernelSize)
                {
                    error = layer.IsSingleSquare
                        ? $"kernel sizes must be odd numbers from 1 to {MaxKernelSize}, but got '{b.Height}'"
                        : $"kernel sizes must be odd numbers from 1 to {MaxKernelSize}, but got {b} in layer {layer}";
                    return false;
                }
            }

            if (kind.Layers != HeadLayerSyntax.Branches && !layer.IsSingleSquare)
            {
                error = $"'{kind.Name}' takes one square kernel per layer, but got layer {layer}";
                return false;
            }
        }

        bool hidden = layers.Length > 1;
        int w = hidden ? width ?? DefaultWidth : DefaultWidth;
        if (hidden && (w <= 0 || w > MaxWidth))
        {
            error = $"the width must be from 1 to {MaxWidth}, but got {w}";
            return false;
        }

        if (!TryResolveOptions(kind, optionNames, out HeadOption[]? resolved, out error))
        {
            return false;
        }

        var candidate = new HeadSpec(kind, layers, w, resolved);
        if (kind.Validate?.Invoke(candidate) is string reason)
        {
            error = reason;
            return false;
        }

        spec = candidate;
        error = null;
        return true;
    }

    private static bool TryResolveOptions(HeadKind kind, IEnumerable<string> names, [NotNullWhen(true)] out HeadOption[]? resolved, [NotNullWhen(false)] out string? error)
    {
        resolved = null;
        var chosen = new List<HeadOption>();
        foreach (string name in names)
        {
            HeadOption? option = kind.Options.FirstOrDefault(o => o.Name == name);
            if (option is null)
            {
                string accepted = kind.Options.Count == 0 ? "it takes no options" : "it takes " + string.Join(", ", kind.Options.Select(o => "+" + o.Name));
                error = $"option '+{name}' does not apply to '{kind.Name}' ({accepted})";
                return false;
            }

            if (chosen.Any(o => o.Name == name))
            {
                error = $"option '+{name}' is given twice";
                return false;
            }

            if (option.Group is not null && chosen.FirstOrDefault(o => o.Group == option.Group) is HeadOption rival)
            {
                error = $"options '+{rival.Name}' and '+{name}' contradict each other (both set the {option.Group})";
                return false;
            }

            chosen.Add(option);
        }

        resolved = [.. kind.Options.Where(o => !o.IsDefault && chosen.Contains(o))];
        error = null;
        return true;
    }

    private static IEnumerable<HeadOption> ConvOptions(NormKind norm, HeadPadding padding)
    {
        if (norm == NormKind.Batch)
        {
            yield return HeadOption.BatchNorm;
        }
        else if (norm == NormKind.Group)
        {
            yield return HeadOption.GroupNorm;
        }
        else if (norm != NormKind.None)
        {
            throw new ArgumentOutOfRangeException(nameof(norm), norm, $"Unknown norm kind {(int)norm}.");
        }

        if (padding == HeadPadding.PadOnce)
        {
            yield return HeadOption.PadOnce;
        }
        else if (padding != HeadPadding.PadEach)
        {
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"Unknown padding {(int)padding}.");
        }
    }

    private static ArgumentException Invalid(string what) => new($"Invalid head spec: {what}. Grammar: {Grammar}");

    private string Format()
    {
        var s = new StringBuilder(Kind.Name);
        if (Kind.HasLayers)
        {
            s.Append(':').AppendJoin('-', layers.Select(FormatLayer));
            if (layers.Length > 1)
            {
                s.Append('@').Append(Width.ToString(CultureInfo.InvariantCulture));
            }
        }

        foreach (HeadOption option in options)
        {
            s.Append('+').Append(option.Name);
        }

        return s.ToString();
    }

    private string FormatLayer(HeadLayer layer) =>
        layer.Equals(new HeadLayer(Kind.Expand(layer.Size))) ? layer.Size.ToString(CultureInfo.InvariantCulture) : layer.ToString();
}
