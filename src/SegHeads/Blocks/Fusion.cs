using TorchSharp;
using TorchSharp.Modules;

namespace SegHeads.Blocks;

/// <summary>Applies the <see cref="IFusable"/> protocol to a whole module tree.</summary>
public static class Fusion
{
    /// <summary>
    /// Calls <see cref="IFusable.Fuse"/> on <paramref name="module"/> and every submodule that
    /// implements it and is not fused yet, deepest first, in place.
    /// </summary>
    /// <param name="module">The root; typically a copy meant for inference.</param>
    /// <returns>How many blocks were fused.</returns>
    public static int FuseAll(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        List<IFusable> pending = [.. Walk(module).OfType<IFusable>().Where(f => !f.IsFused)];
        pending.Reverse();
        foreach (IFusable block in pending)
        {
            block.Fuse();
        }

        return pending.Count;
    }

    /// <summary>The paths (e.g. <c>backbone.encoders.0.0.norm</c>) of every <see cref="BatchNorm2d"/> left in <paramref name="module"/>.</summary>
    /// <param name="module">The root.</param>
    public static IReadOnlyList<string> BatchNormPaths(torch.nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return [.. module.named_modules().Where(m => m.module is BatchNorm2d).Select(m => m.name)];
    }

    private static IEnumerable<torch.nn.Module> Walk(torch.nn.Module root)
    {
        yield return root;
        foreach (var (_, child) in root.named_modules())
        {
            if (!ReferenceEquals(child, root))
            {
                yield return child;
            }
        }
    }
}
