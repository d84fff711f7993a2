using System.Diagnostics;
using SegHeads.Blocks;
using SegHeads.Data;
using SegHeads.Data.Augmentation;
using SegHeads.Metrics;
using SegHeads.Training;
using SegHeads.Training.Optimizers;
using TorchSharp;
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
/// as a wrong number rather than fail). Last, SegHeads' own per-step code (the Dice, focal, binary and
/// all-ignored cross-entropy losses, a weighted loss sum, a branched conv forward, colour jitter and a
/// confusion-matrix update), in passes compared bit for bit with a pass taken without the collector.
/// </summary>
internal static class ScalarRaceBench
{
    public const string Usage = "scalar-race [--seconds 20] [--chunk-steps 50] [--parts calls,optimizer,losses]";

    private static readonly string[] Parts = ["calls", "optimizer", "losses"];

    private const int ParameterCount = 24;

    public static int Run(BenchArgs a)
    {
        int seconds = a.Int("seconds", 20);
        int chunk = a.Int("chunk-steps", 50);
        IReadOnlyList<string> parts = a.List("parts", string.Join(',', Parts));
        a.RejectUnknown();
        string[] unknown = [.. parts.Except(Parts)];
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"--parts takes {string.Join(", ", Parts)}, but got '{string.Join(", ", unknown)}'.");
        }

        Console.WriteLine($"# {Machine.Describe()}");
        foreach (bool explicitScalar in parts.Contains("calls") ? new[] { false, true } : [])
        {
            (long calls, int errors, string? first) = Hammer(explicitScalar, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{(explicitScalar ? "explicit using Scalar" : "implicit long → Scalar"),-24} {calls,10} calls {errors,6} failures{(first is null ? "" : $"  e.g. {first}")}");
        }

        using Tensor reference = Steps(owned: true, chunk);
        foreach (bool owned in parts.Contains("optimizer") ? new[] { false, true } : [])
        {
            (long steps, int errors, int wrong, string? first) = HammerOptimizer(owned, chunk, reference, TimeSpan.FromSeconds(seconds));
            Console.WriteLine($"{(owned ? "OwnedScalarOptimizers.Adam" : "TorchSharp Adam"),-26} {steps,10} steps {errors,6} failed chunks {wrong,6} wrong chunks of {chunk} steps{(first is null ? "" : $"  e.g. {first}")}");
        }

        if (!parts.Contains("losses"))
        {
            return 0;
        }

        float[] quiet = LossPass();
        (long passes, int passErrors, int passWrong, string? passFirst) = HammerLosses(quiet, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"{"SegHeads losses etc.",-26} {passes,10} passes {passErrors,5} failed passes {passWrong,6} wrong passes{(passFirst is null ? "" : $"  e.g. {passFirst}")}");
        return 0;
    }

    private static (long Passes, int Errors, int Wrong, string? First) HammerLosses(float[] reference, TimeSpan duration)
    {
        using var pressure = new GcPressure();
        int errors = 0, wrong = 0;
        string? first = null;
        long passes = 0;
        var clock = Stopwatch.StartNew();
        for (; clock.Elapsed < duration; passes++)
        {
            try
            {
                if (!LossPass().SequenceEqual(reference))
                {
                    wrong++;
                }
            }
            catch (System.Runtime.InteropServices.ExternalException e)
            {
                errors++;
                first ??= e.Message.Split('\n')[0];
            }
        }

        return (passes, errors, wrong, first);
    }

    /// <summary>One pass over SegHeads' per-step tensor code that takes numbers; returns every result, flattened.</summary>
    private static float[] LossPass()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5);
        Tensor logits = randn([2, 4, 8, 8], generator: generator);
        Tensor masks = randint(0, 4, [2, 8, 8], generator: generator, dtype: int64);
        // NOTE: the setup owns its scalars too, so that every failure counted is SegHeads' own.
        using Scalar ignored = (-100L).ToScalar();
        using Scalar zero = 0L.ToScalar();
        using Scalar two = 2L.ToScalar();
        masks[.., 0] = full([2, 8], ignored, dtype: int64);
        Tensor binaryLogits = logits.narrow(1, 0, 1);
        Tensor binaryMasks = masks.remainder(two).masked_fill(masks.lt(zero), ignored);
        var results = new List<Tensor>
        {
            new DiceLoss(new DiceOptions { Smooth = 0.5 }).Compute(logits, masks),
            new DiceLoss(new DiceOptions { LogLoss = true }).Compute(binaryLogits, binaryMasks),
            new FocalLoss(new FocalOptions { Alpha = 0.25, ReducedThreshold = 0.5, Normalized = true }).Compute(logits, masks),
            new FocalLoss(new FocalOptions { Alpha = 0.25 }).Compute(binaryLogits, binaryMasks),
            PixelCrossEntropy.Compute(binaryLogits, binaryMasks, new CrossEntropyOptions { ClassWeights = [0.3, 0.7], PositiveWeight = 2 }),
            PixelCrossEntropy.Compute(logits, full_like(masks, ignored)),
            new WeightedLossSum((0.5, new DiceLoss()), (1.5, new PixelCrossEntropy())).Compute(logits, masks),
        };

        // NOTE: the conv's initial weights come from the global generator.
        random.manual_seed(5);
        using (var conv = new BranchedConv(new BranchedConvOptions(4, 3, [KernelShape.Square(3), new(1, 3), new(3, 1)])))
        {
            using var noGrad = no_grad();
            results.Add(conv.forward(logits));
        }

        using (var images = new InMemoryDataset(rand([2, 3, 8, 8], generator: generator), masks.clamp_min(zero), 4))
        {
            var jitter = new AugmentedDataset(images, new AugmentationOptions { Height = 8, Width = 8, Seed = 3, IgnoreIndex = -100, Brightness = 0.3, Contrast = 0.3, Saturation = 0.3, Hue = 0.1 });
            results.Add(jitter.GetSample(1, epoch: 2).Image);
        }

        var confusion = new ConfusionMatrix(4);
        confusion.Update(logits.argmax(1), masks);
        results.Add(tensor(Enumerable.Range(0, 16).Select(i => (float)confusion[i / 4, i % 4]).ToArray()));
        return [.. results.SelectMany(r => r.detach().to(float32).flatten().data<float>().ToArray())];
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
