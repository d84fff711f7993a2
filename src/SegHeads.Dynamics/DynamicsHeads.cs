using SegHeads.Heads;

namespace SegHeads.Dynamics;

/// <summary>The head kinds this package adds to <see cref="HeadRegistry"/>.</summary>
public static class DynamicsHeads
{
    /// <summary>
    /// Registers <c>relu-logits</c> (<see cref="ReluLogitsHead"/>). Idempotent. Touching any type of
    /// this package registers it too; call this first when the only use is a spec string.
    /// </summary>
    public static void Register() => HeadRegistry.Register(ReluLogitsHead.Kind);
}
