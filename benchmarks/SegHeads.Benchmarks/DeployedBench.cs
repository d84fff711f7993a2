using System.Diagnostics;
using System.Globalization;
using SegHeads.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>deployed</c>: inference time of a stacked linear head against the single conv that
/// <see cref="SegmentationModel.ToDeployed"/> collapses it into, per head width and class count,
/// with the ratio of multiply-adds beside the ratio of times. Heads run on backbone-shaped
/// features <c>[N, C, H, W]</c> in eval mode under <c>no_grad</c>; the whole model (backbone +
/// head) is timed too, since that is what a deployed model pays. Head features are channels-last,
/// as inside <see cref="SegmentationModel.forward"/>.
/// </summary>
internal static class DeployedBench
{
    public const string Usage =
        "deployed [--kernels 3-3-1] [--widths 16,32,64,128] [--classes 2,4,21] [--batch 8] [--size 64] [--warmup 10] [--reps 50] [--csv FILE]";

    public static int Run(BenchArgs a, int threads)
    {
        string kernels = a.String("kernels", "3-3-1")!;
        IReadOnlyList<int> widths = a.Ints("widths", "16,32,64,128");
        IReadOnlyList<int> classes = a.Ints("classes", "2,4,21");
        int batch = a.Int("batch", 8);
        int size = a.Int("size", 64);
        int warmup = a.Int("warmup", 10);
        int reps = a.Int("reps", 50);
        string? csv = a.String("csv");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# deployed: head 'stacked-linear:{kernels}@W' vs its ToDeployed() conv on features [{batch}, 16, {size}, {size}]; "
            + $"model = 16-32-64 backbone + head on images [{batch}, 3, {size}, {size}]; median of {reps} after {warmup} warm-up; threads {threads}");
        Console.WriteLine($"{"W",4} {"K",3} {"stacked ms",11} {"deployed ms",12} {"time ratio",11} {"MAC ratio",10} {"model ms",9} {"deployed",9} {"ratio",6}");
        WarmUp(kernels, widths[0], classes[0], batch, size);
        var lines = new List<string> { "kernels,width,classes,stacked_ms,deployed_ms,time_ratio,mac_ratio,model_ms,deployed_model_ms,model_ratio" };
        foreach (int w in widths)
        {
            foreach (int k in classes)
            {
                manual_seed(0);
                using SegmentationModel model = SegmentationModel.Create($"stacked-linear:{kernels}@{w}", k);
                model.eval();
                using SegmentationModel deployed = model.ToDeployed();
                // NOTE: channels-last features, as the head sees them inside SegmentationModel.forward.
                using Tensor nhwc = randn(batch, size, size, model.Head.InChannels);
                using Tensor features = nhwc.permute(0, 3, 1, 2);
                using Tensor images = randn(batch, 3, size, size);
                (double stacked, double collapsed) = TimePair(model.Head, deployed.Head, features, warmup, reps);
                (double modelMs, double deployedMs) = TimePair(model, deployed, images, warmup, reps / 2);
                double macRatio = (double)Macs(model.Head) / Macs(deployed.Head);
                string line = string.Create(CultureInfo.InvariantCulture,
                    $"{w,4} {k,3} {stacked,11:F3} {collapsed,12:F3} {stacked / collapsed,10:F1}x {macRatio,9:F1}x {modelMs,9:F2} {deployedMs,9:F2} {modelMs / deployedMs,5:F2}x");
                Console.WriteLine(line);
                lines.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{kernels},{w},{k},{stacked:F4},{collapsed:F4},{stacked / collapsed:F3},{macRatio:F3},{modelMs:F4},{deployedMs:F4},{modelMs / deployedMs:F3}"));
            }
        }

        if (csv is not null)
        {
            File.WriteAllLines(csv, lines);
        }

        return 0;
    }

    /// <summary>
    /// One second of untimed forwards before the table: the first configuration of a process ran
    /// up to 70% slower than the same configuration later, even after its own warm-up calls
    /// (allocator and thread-pool start-up), which no per-configuration warm-up removed.
    /// </summary>
    private static void WarmUp(string kernels, int width, int classes, int batch, int size)
    {
        manual_seed(0);
        using SegmentationModel model = SegmentationModel.Create($"stacked-linear:{kernels}@{width}", classes);
        model.eval();
        using SegmentationModel deployed = model.ToDeployed();
        using Tensor images = randn(batch, 3, size, size);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            _ = TimePair(model, deployed, images, 0, 1);
        }
    }

    /// <summary>Median forward times of two modules on the same input, alternated call by call so that load hits both alike.</summary>
    private static (double A, double B) TimePair(nn.Module<Tensor, Tensor> a, nn.Module<Tensor, Tensor> b, Tensor input, int warmup, int reps)
    {
        double[] ms = Interleaved.Medians([a, b], input, warmup, reps);
        return (ms[0], ms[1]);
    }

    /// <summary>Multiply-adds per output pixel: every conv of a same-size (pad-each) head visits every pixel once.</summary>
    private static long Macs(nn.Module m) =>
        m.modules().OfType<Conv2d>().Sum(c => c.weight!.numel());
}
