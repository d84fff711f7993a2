using SegHeads.Internal;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Native;

/// <summary>
/// Runs each convolution kind once on a tiny input right after the native library loads.
/// </summary>
/// <remarks>
/// NOTE: with TorchSharp 0.107 / libtorch 2.10 on this CPU, the first convolution call on a thread
/// (forward, input gradient or transposed) returned wrong values or NaN in about half of the fresh
/// threads tried, while every later call on that thread, of any shape, was exact. One throw-away
/// call of each kind on the thread before any real work removed it in every case tried; the
/// results here are discarded.
/// </remarks>
internal static class ConvolutionWarmUp
{
    [ThreadStatic]
    private static bool warm;

    /// <summary>Warms up the calling thread once; later calls cost one thread-static read.</summary>
    public static void EnsureCurrentThread()
    {
        if (!warm)
        {
            Run();
        }
    }

    public static void Run()
    {
        warm = true;
        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        foreach (bool channelsLast in new[] { false, true })
        {
            Tensor weight = randn(2, 2, 3, 3).requires_grad_();
            Tensor bias = zeros(2).requires_grad_();
            Tensor x = randn(1, 2, 5, 5);
            if (channelsLast)
            {
                x = ChannelsLast.From(x);
            }

            x.requires_grad_();
            Tensor y = nn.functional.conv2d(x, weight, bias, padding: [1, 1]);
            Tensor up = nn.functional.conv_transpose2d(y, weight, strides: [2, 2]);
            up.sum().backward();
        }
    }
}
