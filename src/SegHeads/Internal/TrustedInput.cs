namespace SegHeads.Internal;

/// <summary>
/// Marks, per thread, that a container has already validated the input of the blocks it calls,
/// so the blocks it wired itself skip re-checking the same shape on every call. A block called
/// on its own (no container around it) still checks.
/// </summary>
internal static class TrustedInput
{
    [ThreadStatic]
    private static int depth;

    /// <summary>Whether a container around the current call has validated its input.</summary>
    public static bool Active => depth > 0;

    /// <summary>Trusts inputs until the returned scope is disposed.</summary>
    public static Scope Enter()
    {
        depth++;
        return default;
    }

    /// <summary>Ends a trusted region.</summary>
    internal readonly struct Scope : IDisposable
    {
        public void Dispose() => depth--;
    }
}
