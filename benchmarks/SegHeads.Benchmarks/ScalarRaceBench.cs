using System.Diagnostics;
using TorchSharp;
using SegHeads.Training.Optimizers;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>scalar-race</c>: reproduces TorchSharp 0.107's implicit-scalar lifetime race. <c>masks.ge(6)</c>
/// converts 6 into a finalizable <see cref="Scalar"/> and hands libtorch its raw handle without
/// keeping the object alive; a collection started by another thread during the call can finalize it
/// while libtorch reads it. A thread collects continuously while this thread calls <c>ge</c> with an
/// implicit scalar, then with an explicitly owned (<c>using</c>) one, and counts the failures. Then the
/// same for optimizer steps: TorchSharp's Adam (implicit scalars in every step) against
/// <see cref="OwnedScalarOptimizers.Adam"/>, in chunks of steps from a fixed start, each chunk compared
/// bit for bit with the same steps taken without the collecting thread (a freed scalar can also be read
/// as a wrong number rather than fail).
/// </summary>
internal static class ScalarRaceBench
{
    public const string Usage = "scalar-race [--seconds 20] [--chunk-steps 50]";

    private const int ParameterCount = 24;

    public static int Run(BenchArgs a)
    {
        int seconds = a.Int("seconds", 20);
        int chunk = a.Int("chunk-steps", 50);
        a.RejectUnknown();
        Console.WriteLine($"# {Machine.Describe()}");
        foreach (bool explicitScalar in new[] { false, true })
        {
            (long calls, int errors, string? first) = Hammer(explicitScalar, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{(explicitScalar ? "explicit using Scalar" : "implicit long → Scalar"),-24} {calls,10} calls {errors,6} failures{(first is null ? "" : $"  e.g. {first}")}");
        }

        using Tensor reference = Steps(owned: true, chunk);
        foreach (bool owned in new[] { false, true })
        {
            (long steps, int errors, int wrong, string? first) = HammerOptimizer(owned, chunk, reference, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{(owned ? "OwnedScalarOptimizers.Adam" : "TorchSharp Adam"),-26} {steps,10} steps {errors,6} failed chunks {wrong,6} wrong chunks of {chunk} steps{(first is null ? "" : $"  e.g. {first}")}");
        }

        return 0;
    }

    private static (long Steps, int Errors, int Wrong, string? First) HammerOptimizer(bool owned, int chunk, Tensor reference, TimeSpan duration)
    {
        using var pressure = new GcPressure();
        int errors = 0, wrong = 0;
        string? first = null;
        long steps = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            try
            {
                using Tensor end = Steps(owned, chunk);
                if (!end.data<float>().ToArray().SequenceEqual(reference.data<float>().ToArray()))
                {
                    wrong++;
                }
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                errors++;
                first ??= e.Message.Split('\n')[0];
            }

            steps += chunk;
        }

        return (steps, errors, wrong, first);
    }

    /// <summary>Runs <paramref name="count"/> Adam steps from a fixed start; returns all parameters, concatenated.</summary>
    private static Tensor Steps(bool owned, int count)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11);
        var parameters = Enumerable.Range(0, ParameterCount).Select(_ => new TorchSharp.Modules.Parameter(randn([8], generator: generator))).ToArray();
        using TorchSharp.Modules.OptimizerHelper optimizer = owned
            ? new OwnedScalarOptimizers.Adam(parameters, 0.01, weightDecay: 1e-4)
            : optim.Adam(parameters, 0.01, weight_decay: 1e-4);
        for (int step = 0; step < count; step++)
        {
            using var stepScope = NewDisposeScope();
            optimizer.zero_grad();
            // NOTE: no tensor '+' here: TorchSharp's a + b is add(b, 1) with an implicit scalar alpha,
            // which would race too and hide which side the failures come from.
            cat(parameters.Select(p => p.sin()).ToArray()).sum().backward();
            optimizer.step();
        }

        return cat(parameters.Select(p => p.detach()).ToArray()).MoveToOuterDisposeScope();
    }

    private static (long Calls, int Errors, string? First) Hammer(bool explicitScalar, TimeSpan duration)
    {
        using var pressure = new GcPressure();
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

        return (calls, errors, first);
    }

    /// <summary>A background thread that collects garbage and runs finalizers until disposed.</summary>
    private sealed class GcPressure : IDisposable
    {
        private readonly Thread collector;
        private volatile bool stop;

        public GcPressure()
        {
            collector = new Thread(() =>
            {
                while (!stop)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                }
            }) { IsBackground = true };
            collector.Start();
        }

        public void Dispose()
        {
            stop = true;
            collector.Join();
        }
    }
}
