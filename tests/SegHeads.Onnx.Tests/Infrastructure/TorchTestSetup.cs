using System.Runtime.CompilerServices;
using TorchSharp;

namespace SegHeads.Onnx.Tests.Infrastructure;

internal static class TorchTestSetup
{
    // NOTE: one intra-op thread per test keeps results independent of xunit's scheduling on 2 cores.
    [ModuleInitializer]
#pragma warning disable CA2255 // The initializer is the only hook xunit 2 offers before any test.
    internal static void Initialize()
#pragma warning restore CA2255
    {
        SegHeads.Native.TorchRuntime.EnsureLoaded();
        torch.set_num_threads(1);
    }
}
