namespace SegHeads.Heads;

/// <summary>How a conv stack pads its input; decides where a collapse is exact: pad-each is exact only away from a border ring of width R − r1, pad-once everywhere.</summary>
public enum HeadPadding
{
    /// <summary>
    /// <c>pad-each</c>: every conv pads its own input by <c>k / 2</c> (the usual choice). The collapsed
    /// conv matches only at pixels at least <c>R − r1</c> from the border.
    /// </summary>
    PadEach,

    /// <summary>
    /// <c>pad-once</c>: the head pads its input once by its receptive radius <c>R</c> and runs every conv
    /// unpadded. The collapsed conv (kernel <c>2R + 1</c>, padding <c>R</c>) is exact everywhere: train
    /// with this mode if you intend to deploy the collapsed head.
    /// </summary>
    PadOnce,
}
