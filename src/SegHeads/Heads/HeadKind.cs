using SegHeads.Blocks;
using System.Text.RegularExpressions;

namespace SegHeads.Heads;

/// <summary>
/// A family of heads that can be named in a spec string: its name (written once, here), what its
/// spec accepts, its examples, and how to build one. Register a kind with
/// <see cref="HeadRegistry.Register"/>; parsing, formatting, validation, the grammar text in error
/// messages and <see cref="HeadRegistry.Examples"/> all derive from the registered kinds.
/// </summary>
/// <example>
/// <code>
/// HeadRegistry.Register(new HeadKind("my-head", "3x3 conv, then 1x1", (spec, c, k) => new MyHead(spec, c, k))
/// {
///     Layers = HeadLayerSyntax.Kernels,
///     DefaultLayers = "3-1",
///     Options = [HeadOption.BatchNorm],
///     Examples = ["my-head:3-1@16+bn"],
/// });
/// var model = SegmentationModel.Create("my-head:5-1@32", numClasses: 4);
/// </code>
/// </example>
public sealed partial class HeadKind
{
    private readonly Func<HeadSpec, int, int, SegmentationHead> create;

    /// <summary>Defines a kind.</summary>
    /// <param name="name">Lower-case name: letters, digits and single hyphens, starting with a letter (e.g. <c>stacked-linear</c>).</param>
    /// <param name="summary">One line for the grammar text, e.g. "convs with no activation".</param>
    /// <param name="create">Builds a head from a validated spec of this kind, feature channels C and classes K.</param>
    /// <exception cref="ArgumentException">The name is not a valid kind name.</exception>
    public HeadKind(string name, string summary, Func<HeadSpec, int, int, SegmentationHead> create)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(create);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException(
                $"A head kind name is lower-case letters, digits and single hyphens, starting with a letter (e.g. 'stacked-linear'), but got '{name}'.",
                nameof(name));
        }

        Name = name;
        Summary = summary;
        this.create = create;
    }

    /// <summary>The name, the first word of a spec string.</summary>
    public string Name { get; }

    /// <summary>One line that describes the kind in the grammar text.</summary>
    public string Summary { get; }

    /// <summary>What the spec accepts after <c>:</c>. Default <see cref="HeadLayerSyntax.None"/>.</summary>
    public HeadLayerSyntax Layers { get; init; } = HeadLayerSyntax.None;

    /// <summary>The layers when the spec gives none, in spec form (e.g. <c>3-3-1</c>). Default <c>1</c>.</summary>
    public string DefaultLayers { get; init; } = "1";

    /// <summary>
    /// The branches a bare kernel size <c>k</c> stands for (only with <see cref="HeadLayerSyntax.Branches"/>);
    /// default: the single <c>k × k</c> kernel.
    /// </summary>
    public Func<int, IReadOnlyList<KernelShape>>? Shorthand { get; init; }

    /// <summary>The <c>+option</c> flags the kind accepts, in canonical order.</summary>
    public IReadOnlyList<HeadOption> Options { get; init; } = [];

    /// <summary>Representative specs, used by <see cref="HeadRegistry.Examples"/>, contract tests and the grammar text.</summary>
    public IReadOnlyList<string> Examples { get; init; } = [];

    /// <summary>
    /// Extra rules beyond the syntax (e.g. "the last layer must be 1x1"): returns the reason a
    /// spec is invalid, or <see langword="null"/> when it is valid.
    /// </summary>
    public Func<HeadSpec, string?>? Validate { get; init; }

    /// <summary>Whether the spec's layers are written after <c>:</c>.</summary>
    internal bool HasLayers => Layers != HeadLayerSyntax.None;

    /// <summary>The branches that a bare size <paramref name="size"/> stands for.</summary>
    internal IReadOnlyList<KernelShape> Expand(int size) =>
        Layers == HeadLayerSyntax.Branches && Shorthand is not null ? Shorthand(size) : [KernelShape.Square(size)];

    /// <summary>Builds a head; the registry validated the spec.</summary>
    internal SegmentationHead Create(HeadSpec spec, int inChannels, int numClasses) => create(spec, inChannels, numClasses);

    /// <summary>The kind's line in the grammar text.</summary>
    internal string Describe()
    {
        string shape = Layers switch
        {
            HeadLayerSyntax.Kernels => $"[:kernels[@width]] (default {DefaultLayers})",
            HeadLayerSyntax.Branches => $"[:layers[@width]] (default {DefaultLayers}; a layer is k or a comma list of HxW branches)",
            _ => string.Empty,
        };
        string options = Options.Count == 0 ? "no options" : "options " + string.Join(", ", Options.Select(o => "+" + o.Name));
        return $"{Name}{shape}: {Summary}; {options}";
    }

    /// <inheritdoc />
    public override string ToString() => Name;

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
