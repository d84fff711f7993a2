namespace SegHeads.Heads;

/// <summary>What a head kind accepts after the <c>:</c> of its spec.</summary>
public enum HeadLayerSyntax
{
    /// <summary>Nothing: the kind has fixed layers (e.g. <c>linear</c>).</summary>
    None,

    /// <summary>A list of odd square kernel sizes, first to last, e.g. <c>3-3-1</c>, and an optional <c>@width</c>.</summary>
    Kernels,

    /// <summary>
    /// Like <see cref="Kernels"/>, but a layer may also list parallel branches joined by commas,
    /// e.g. <c>3,1x3,3x1,1-1</c>; a bare <c>k</c> stands for the kind's default branches of size <c>k</c>.
    /// </summary>
    Branches,
}
