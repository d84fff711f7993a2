using System.Diagnostics;
using System.Globalization;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Reparam;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>fused</c>: inference time of the whole model in three forms, interleaved in one run:
/// (a) the eval-mode model, (b) head collapsed but backbone unfused (what <c>ToDeployed()</c> did
/// before whole-model fusion), (c) <see cref="SegmentationModel.ToDeployed"/> (every batch norm
/// folded, head collapsed). Also checks the outputs: max |a − c| in the interior and everywhere
/// (pad-each heads differ from their collapse in a border ring), max |b − c| (backbone fusion
/// alone), and the batch norms left in (c). Batch norms get random running statistics first.
/// </summary>
internal static class FusedBench
{
    public const string Usage =
        "fused [--heads stacked-linear:3-3-1@16,stacked-linear:3-3-1@64+bn] [--inputs 1x256,8x64] [--classes 4] [--rounds 3] [--warmup 10] [--reps 40] [--csv FILE]";

    public static int Run(BenchArgs a, int threads)
    {
        IReadOnlyList<string> heads = a.List("heads", "stacked-linear:3-3-1@16,stacked-linear:3-3-1@64+bn");
        IReadOnlyList<(int Batch, int Size)> inputs = [.. a.List("inputs", "1x256,8x64").Select(BenchInputs.Parse)];
        int classes = a.Int("classes", 4);
        int warmup = a.Int("warmup", 10);
        int reps = a.Int("reps", 40);
        int rounds = a.Int("rounds", 3);
        string? csv = a.String("csv");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# fused: default 16-32-64 backbone (batch norm) + head, {classes} classes, images [N, 3, S, S]; (a) eval model, "
            + $"(b) head collapsed only, (c) ToDeployed(); per round, median of {reps} interleaved calls after {warmup} warm-up; "
            + $"ms = median over {rounds} rounds, ratio = median (min-max) of the rounds' ratios; threads {threads}");
        Console.WriteLine($"{"NxS",7} {"head",30} {"(a) ms",8} {"(b) ms",8} {"(c) ms",8} {"a/c",6} {"range",10} {"b/c",6} {"range",10} {"|a-c| in",9} {"rel",8} {"|a-c| all",9} {"|b-c|",8} {"BN b/c",7}");
        WarmUp(heads[0], classes, inputs[0]);
        var configs = new List<Config>();
        foreach ((int batch, int size) in inputs)
        {
            foreach (string spec in heads)
            {
                configs.Add(new Config(spec, batch, size, Variants.Build(spec, classes), randn(batch, 3, size, size)));
            }
        }

        // NOTE: rounds run over all configurations in turn, so a burst of load from other
        // processes lands in one round of every configuration rather than in all of one.
        for (int round = 0; round < rounds; round++)
        {
            foreach (Config c in configs)
            {
                c.Rounds.Add(Interleaved.Medians([c.Models.Eval, c.Models.HeadOnly, c.Models.Deployed], c.Images, warmup, reps));
            }
        }

        var lines = new List<string>
        {
            "head,batch,size,classes,rounds,reps,eval_ms,head_only_ms,deployed_ms,eval_over_deployed,head_only_over_deployed,"
            + "eval_over_deployed_min,eval_over_deployed_max,head_only_over_deployed_min,head_only_over_deployed_max,"
            + "max_abs_interior,max_rel_interior,max_abs_all,max_abs_head_only_vs_deployed,bn_left_head_only,bn_left_deployed",
        };
        foreach (Config c in configs)
        {
            double[] ms = [.. Enumerable.Range(0, 3).Select(v => Stats.Median([.. c.Rounds.Select(r => r[v])]))];
            double[] ac = [.. c.Rounds.Select(r => r[0] / r[2])];
            double[] bc = [.. c.Rounds.Select(r => r[1] / r[2])];
            OutputGap gap = OutputGap.Measure(c.Models, c.Images);
            int bnHeadOnly = Fusion.BatchNormPaths(c.Models.HeadOnly).Count;
            int bnDeployed = Fusion.BatchNormPaths(c.Models.Deployed).Count;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{$"{c.Batch}x{c.Size}",7} {c.Spec,30} {ms[0],8:F2} {ms[1],8:F2} {ms[2],8:F2} {Stats.Median(ac),5:F2}x {ac.Min(),5:F2}-{ac.Max(),4:F2} "
                + $"{Stats.Median(bc),5:F2}x {bc.Min(),5:F2}-{bc.Max(),4:F2} {gap.Interior,9:E1} {gap.RelativeInterior,8:E1} {gap.All,9:E1} {gap.HeadOnly,8:E1} {bnHeadOnly,3}/{bnDeployed}"));
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"{c.Spec},{c.Batch},{c.Size},{classes},{rounds},{reps},{ms[0]:F4},{ms[1]:F4},{ms[2]:F4},{Stats.Median(ac):F4},{Stats.Median(bc):F4},"
                + $"{ac.Min():F4},{ac.Max():F4},{bc.Min():F4},{bc.Max():F4},"
                + $"{gap.Interior:E3},{gap.RelativeInterior:E3},{gap.All:E3},{gap.HeadOnly:E3},{bnHeadOnly},{bnDeployed}"));
            c.Models.Dispose();
            c.Images.Dispose();
        }

        if (csv is not null)
        {
            File.WriteAllLines(csv, lines);
        }

        return 0;
    }

    /// <summary>One configuration: its three models, its images, and each round's three medians.</summary>
    private sealed record Config(string Spec, int Batch, int Size, Variants Models, Tensor Images)
    {
        public List<double[]> Rounds { get; } = [];
    }

    /// <summary>One second of untimed forwards first (see <c>DeployedBench.WarmUp</c> for why).</summary>
    private static void WarmUp(string spec, int classes, (int Batch, int Size) input)
    {
        using Variants v = Variants.Build(spec, classes);
        using Tensor images = randn(input.Batch, 3, input.Size, input.Size);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            _ = Interleaved.Medians([v.Eval, v.HeadOnly, v.Deployed], images, 0, 1);
        }
    }

    /// <summary>The three forms of one model, all in eval mode.</summary>
    private sealed class Variants : IDisposable
    {
        private Variants(SegmentationModel eval, SegmentationModel headOnly, SegmentationModel deployed)
        {
            Eval = eval;
            HeadOnly = headOnly;
            Deployed = deployed;
        }

        public SegmentationModel Eval { get; }

        public SegmentationModel HeadOnly { get; }

        public SegmentationModel Deployed { get; }

        public static Variants Build(string spec, int classes)
        {
            manual_seed(0);
            SegmentationModel model = SegmentationModel.Create(spec, classes);
            BatchNormStatistics.Randomize(model, seed: 1);
            model.eval();
            SegmentationModel headOnly;
            using (ConvKernel kernel = model.Head.Collapse())
            {
                // NOTE: what ToDeployed() built before whole-model fusion: backbone copied with its batch norms.
                headOnly = new SegmentationModel(model.Backbone.Clone(), HeadFactory.FromKernel(kernel), model.SizePolicy);
            }

            headOnly.eval();
            return new Variants(model, headOnly, model.ToDeployed());
        }

        public void Dispose()
        {
            Eval.Dispose();
            HeadOnly.Dispose();
            Deployed.Dispose();
        }
    }

    /// <summary>Largest absolute output differences between the forms.</summary>
    private readonly record struct OutputGap(double Interior, double RelativeInterior, double All, double HeadOnly)
    {
        /// <summary>
        /// Interior = pixels at least the head's receptive radius R from the border, where a
        /// pad-each head equals its collapse (the ring is R − r1 wide; R is a safe bound).
        /// Relative = interior gap ÷ max |a| there.
        /// </summary>
        public static OutputGap Measure(Variants v, Tensor images)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            Tensor ya = v.Eval.forward(images);
            Tensor yb = v.HeadOnly.forward(images);
            Tensor yc = v.Deployed.forward(images);
            int r = v.Eval.Head.ReceptiveRadius;
            long h = ya.shape[2];
            long w = ya.shape[3];
            Tensor ia = ya[.., .., TensorIndex.Slice(r, h - r), TensorIndex.Slice(r, w - r)];
            Tensor ic = yc[.., .., TensorIndex.Slice(r, h - r), TensorIndex.Slice(r, w - r)];
            double interior = (ia - ic).abs().max().item<float>();
            double scale = ia.abs().max().item<float>();
            return new OutputGap(
                interior,
                interior / scale,
                (ya - yc).abs().max().item<float>(),
                (yb - yc).abs().max().item<float>());
        }
    }
}
