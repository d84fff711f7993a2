namespace SegHeads.Heads;

/// <summary>The family of a segmentation head; the first word of a <see cref="HeadSpec"/> string.</summary>
public enum HeadKind
{
    /// <summary><c>linear</c>: one 1x1 conv, the classic per-pixel classifier.</summary>
    Linear,

    /// <summary><c>stacked-linear</c>: a stack of convs with no activation (optionally BN): one linear map in eval mode.</summary>
    StackedLinear,

    /// <summary><c>activated</c>: a stack of convs with norm + ReLU between them (torchvision's FCN-head family).</summary>
    Activated,
}
