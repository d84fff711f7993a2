namespace SegHeads.Heads;

/// <summary>
/// A <c>+name</c> flag a head kind accepts in its spec. Options that share a <see cref="Group"/>
/// exclude each other (<c>+bn+gn</c> is an error, not "the last one wins"); the group's
/// <see cref="IsDefault"/> member is implied and left out of the canonical string.
/// </summary>
/// <param name="Name">Lower-case name as written after <c>+</c>, e.g. <c>bn</c>.</param>
/// <param name="Description">What it does, quoted in the grammar text.</param>
public sealed record HeadOption(string Name, string Description)
{
    /// <summary>Mutually exclusive group, e.g. <c>norm</c> or <c>padding</c>; <see langword="null"/> for an independent flag.</summary>
    public string? Group { get; init; }

    /// <summary>Whether this option is what the kind does when no option of its group is given.</summary>
    public bool IsDefault { get; init; }

    /// <summary><c>+bn</c>: batch norm after each hidden conv (folds into the conv in eval mode).</summary>
    public static HeadOption BatchNorm { get; } = new("bn", "batch norm after each hidden conv") { Group = "norm" };

    /// <summary><c>+gn</c>: group norm after each hidden conv (per-sample statistics, so never linear).</summary>
    public static HeadOption GroupNorm { get; } = new("gn", "group norm after each hidden conv") { Group = "norm" };

    /// <summary><c>+pad-each</c>: every conv pads its own input by <c>k / 2</c> (the default).</summary>
    public static HeadOption PadEach { get; } = new("pad-each", "each conv pads by k/2 (default)") { Group = "padding", IsDefault = true };

    /// <summary><c>+pad-once</c>: the head pads its input once by its receptive radius and runs every conv unpadded.</summary>
    public static HeadOption PadOnce { get; } = new("pad-once", "pad the input once by the receptive radius; collapse is exact everywhere") { Group = "padding" };
}
