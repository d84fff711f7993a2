using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>scalar-race</c>: reproduces TorchSharp 0.107's implicit-scalar lifetime race. <c>masks.ge(6)</c>
/// converts 6 into a finalizable <see cref="Scalar"/> and hands libtorch its raw handle without
/// keeping the object alive; a collection started by another thread during the call can finalize it
/// while libtorch reads it. A thread collects continuously while this thread calls <c>ge</c> with an
/// implicit scalar, then with an explicitly owned (<c>using</c>) one, and counts the failures.
/// </summary>
internal static class ScalarRaceBench
{
    public const string Usage = "scalar-race [--seconds 20]";

    public static int Run(BenchArgs a)
    {
        int seconds = a.Int("seconds", 20);
        a.RejectUnknown();
        Console.WriteLine($"# {Machine.Describe()}");
        foreach (bool explicitScalar in new[] { false, true })
        {
            (long calls, int errors, string? first) = Hammer(explicitScalar, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{(explicitScalar ? "explicit using Scalar" : "implicit long → Scalar"),-24} {calls,10} calls {errors,6} failures{(first is null ? "" : $"  e.g. {first}")}");
        }

        return 0;
    }

    private static (long Calls, int Errors, string? First) Hammer(bool explicitScalar, TimeSpan duration)
    {
        bool stop = false;
        var collector = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        using Tensor masks = randint(0, 6, [2, 8, 8], dtype: int64);
        long classes = 6;
        int errors = 0;
        string? first = null;
        long calls = 0;
        var clock = Stopwatch.StartNew();
        for (; clock.Elapsed < duration; calls++)
        {
            try
            {
                if (explicitScalar)
                {
                    using Scalar c = classes.ToScalar();
                    using Tensor r = masks.ge(c);
                }
                else
                {
                    using Tensor r = masks.ge(classes);
                }
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                errors++;
                first ??= e.Message.Split('\n')[0];
            }
        }

        Volatile.Write(ref stop, true);
        collector.Join();
        return (calls, errors, first);
    }
}
