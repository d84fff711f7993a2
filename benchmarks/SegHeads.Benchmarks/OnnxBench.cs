using System.Diagnostics;
using System.Globalization;
using SegHeads.Models;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>onnx</c>: inference of one trained-shape model in three forms, interleaved call by call in one
/// run: (a) the eval-mode model in TorchSharp, (b) its <see cref="SegmentationModel.ToDeployed"/> form
/// in TorchSharp, (c) the deployed form exported to ONNX and run by ONNX Runtime (full graph
/// optimisations, sequential, spinning off). For each thread count and input, reports medians, the
/// interquartile range of (c), images per second and the ratios a/c and b/c, and checks (c)'s logits against
/// (b) everywhere and against (a) in the interior. Batch norms get random running statistics, as after training.
/// </summary>
internal static class OnnxBench
{
    public const string Usage =
        "onnx [--head stacked-linear:3-3-1@32] [--classes 6] [--inputs 1x256,8x64] [--thread-counts 1,2] [--rounds 3] [--warmup 5] [--reps 20] [--ort-spinning] [--profile DIR] [--csv FILE]";

    public static int Run(BenchArgs a)
    {
        string spec = a.String("head", "stacked-linear:3-3-1@32")!;
        int classes = a.Int("classes", 6);
        IReadOnlyList<(int Batch, int Size)> inputs = [.. a.List("inputs", "1x256,8x64").Select(BenchInputs.Parse)];
        IReadOnlyList<int> threadCounts = a.Ints("thread-counts", "1,2");
        int rounds = a.Int("rounds", 3);
        int warmup = a.Int("warmup", 5);
        int reps = a.Int("reps", 20);
        bool spinning = a.Flag("ort-spinning");
        string? profile = a.String("profile");
        string? csv = a.String("csv");
        a.RejectUnknown();

        manual_seed(0);
        using SegmentationModel model = SegmentationModel.Create(spec, classes);
        BatchNormStatistics.Randomize(model, seed: 1);
        model.eval();
        using SegmentationModel deployed = model.ToDeployed();
        deployed.eval();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# onnx: default backbone + {spec}, {classes} classes, images [N, 3, S, S]; (a) TorchSharp eval, (b) TorchSharp ToDeployed(), "
            + $"(c) ONNX Runtime {typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version} on the exported deployed model; "
            + $"ORT spinning {(spinning ? "on" : "off")}; per round, median of {reps} interleaved calls after {warmup} warm-up; ms = median over {rounds} rounds; ratio = median of the rounds' ratios");
        Console.WriteLine($"{"threads",7} {"NxS",7} {"(a) ms",8} {"(b) ms",8} {"(c) ms",8} {"(c) IQR",13} {"a/c",6} {"b/c",6} {"a/b",6} {"(c) img/s",9} {"|c-b| rel",10} {"|c-a| in rel",12}");
        var lines = new List<string> { "threads,batch,size,head,classes,rounds,reps,eval_ms,deployed_ms,ort_ms,ort_q25_ms,ort_q75_ms,eval_over_ort,deployed_over_ort,eval_over_deployed,ort_images_per_s,max_rel_gap_vs_deployed,max_rel_gap_vs_eval_interior" };
        foreach (int threads in threadCounts)
        {
            set_num_threads(threads);
            string? prefix = profile is null ? null : Path.Combine(Directory.CreateDirectory(profile).FullName, $"ort-{threads}t");
            using var ort = new OrtModel(deployed, threads, prefix, spinning);
            nn.Module<Tensor, Tensor>[] forms = [model, deployed, ort];
            foreach ((int batch, int size) in inputs)
            {
                using Tensor images = randn(batch, 3, size, size);
                WarmUp(forms, images);
                var medians = new List<double[]>();
                var ortTimes = new List<double>();
                for (int round = 0; round < rounds; round++)
                {
                    medians.Add(Interleaved.Medians(forms, images, warmup, reps, ortTimes, 2));
                }

                double[] ms = [.. Enumerable.Range(0, 3).Select(v => Stats.Median([.. medians.Select(r => r[v])]))];
                double ac = Stats.Median([.. medians.Select(r => r[0] / r[2])]);
                double bc = Stats.Median([.. medians.Select(r => r[1] / r[2])]);
                double ab = Stats.Median([.. medians.Select(r => r[0] / r[1])]);
                double q25 = Stats.Quantile(ortTimes, 0.25);
                double q75 = Stats.Quantile(ortTimes, 0.75);
                double perSecond = batch * 1000.0 / ms[2];
                (double gap, double interior) = RelativeGaps(model, deployed, ort, images);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{threads,7} {$"{batch}x{size}",7} {ms[0],8:F2} {ms[1],8:F2} {ms[2],8:F2} {$"{q25:F2}-{q75:F2}",13} {ac,5:F2}x {bc,5:F2}x {ab,5:F2}x {perSecond,9:F1} {gap,10:E1} {interior,12:E1}"));
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{threads},{batch},{size},{spec},{classes},{rounds},{reps},{ms[0]:F4},{ms[1]:F4},{ms[2]:F4},{q25:F4},{q75:F4},{ac:F4},{bc:F4},{ab:F4},{perSecond:F2},{gap:E3},{interior:E3}"));
            }

            if (prefix is not null)
            {
                Console.WriteLine($"# ONNX Runtime profile ({threads} threads): {ort.EndProfiling()}");
            }
        }

        if (csv is not null)
        {
            File.WriteAllLines(csv, lines);
        }

        return 0;
    }

    /// <summary>One second of untimed calls of every form (first-call allocations, oneDNN primitive creation, ORT arena growth).</summary>
    private static void WarmUp(IReadOnlyList<nn.Module<Tensor, Tensor>> forms, Tensor images)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            _ = Interleaved.Medians(forms, images, 0, 1);
        }
    }

    /// <summary>
    /// max |ORT − b| ÷ max |b| everywhere (the export is faithful), and max |ORT − a| ÷ max |a| in the
    /// interior: a pad-each head equals its collapse only at least its receptive radius from the border.
    /// </summary>
    private static (double Deployed, double EvalInterior) RelativeGaps(SegmentationModel eval, SegmentationModel deployed, OrtModel ort, Tensor images)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor a = eval.forward(images);
        Tensor b = deployed.forward(images);
        Tensor c = ort.forward(images);
        int r = eval.Head.ReceptiveRadius;
        TensorIndex rows = TensorIndex.Slice(r, a.shape[2] - r);
        TensorIndex cols = TensorIndex.Slice(r, a.shape[3] - r);
        Tensor ai = a[.., .., rows, cols];
        Tensor ci = c[.., .., rows, cols];
        return ((c - b).abs().max().item<float>() / b.abs().max().item<float>(), (ci - ai).abs().max().item<float>() / ai.abs().max().item<float>());
    }
}
