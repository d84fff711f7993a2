using System.Runtime.CompilerServices;
using TorchSharp;

namespace SegHeads.Tests.Infrastructure;

internal static class TorchTestSetup
{
    // NOTE: xunit runs test classes in parallel on 2 cores; one intra-op thread per test keeps
    // results independent of scheduling (1 vs 4 threads differ by ~1e-7) and avoids oversubscription.
    [ModuleInitializer]
#pragma warning disable CA2255 // The initializer is the only hook xunit 2 offers before any test.
    internal static void Initialize()
#pragma warning restore CA2255
    {
        SegHeads.Native.TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
    }
}
