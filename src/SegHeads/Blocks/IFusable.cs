namespace SegHeads.Blocks;

/// <summary>
/// A block that can fold itself, in place, into a cheaper block with the same eval-mode function
/// (batch norms into the conv before them, parallel branches into one conv): the protocol that
/// <see cref="Fusion.FuseAll"/> and <c>SegmentationModel.ToDeployed()</c> walk, as timm's
/// <c>reparameterize_model</c> does. Implement it on your own blocks to have them fused too.
/// </summary>
public interface IFusable
{
    /// <summary>Whether <see cref="Fuse"/> has nothing (more) to fold.</summary>
    bool IsFused { get; }

    /// <summary>
    /// Folds the block in place with eval semantics (batch norms use their running statistics),
    /// so that afterwards its eval-mode output is unchanged up to float rounding and it holds no
    /// batch norm. Calling it again does nothing. The block is meant for inference afterwards.
    /// </summary>
    void Fuse();
}
