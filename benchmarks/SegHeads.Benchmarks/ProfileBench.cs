using System.Diagnostics;
using System.Globalization;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Training;
using SegHeads.Training.Optimizers;
using TorchSharp;
using OptimizerHelper = TorchSharp.Modules.OptimizerHelper;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// <c>profile</c>: where the time of a training step goes. Runs hand-written copies of the trainer
/// step with a clock between phases (gather, zero_grad, forward, loss, item, backward, optimizer
/// step, scope dispose), for SegHeads' model and a plain TorchSharp model of the same
/// architecture, interleaved round by round so that load drifts hit every variant alike.
/// </summary>
internal static class ProfileBench
{
    public const string Usage =
        "profile [--head SPEC] [--widths 16-32-64] [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20] [--rounds 5] "
        + "[--variants segheads,segheads-ce,plain,plain-inplace,plain-cl,plain-inplace-cl,plain-clw]";

    private static readonly string[] Phases = ["gather", "zero_grad", "forward", "loss", "item", "backward", "step", "dispose"];

    public static int Run(BenchArgs a, int threads)
    {
        var c = new TrainConfig(a.String("head", "stacked-linear:3-3-1@16")!, a.String("widths", "16-32-64")!, a.Int("batch", 8), a.Int("size", 64), a.Int("classes", 4));
        int warmup = a.Int("warmup", 3);
        int steps = a.Int("steps", 20);
        int rounds = a.Int("rounds", 5);
        IReadOnlyList<string> names = a.List("variants", "segheads,segheads-ce,plain,plain-inplace,plain-cl,plain-inplace-cl");
        a.RejectUnknown();

        Console.WriteLine($"# {Machine.Describe()}");
        Console.WriteLine($"# profile {c.Key}: {rounds} round(s) of {warmup} warm-up + {steps} steps per variant, threads {threads}");
        using InMemoryDataset data = TrainBench.RandomData(c, 4 * c.Batch);
        var variants = names.Select(n => Variant.Create(n, c)).ToList();
        try
        {
            var sampler = new BatchSampler(data.Count, c.Batch, 0);
            long step = 0;
            for (int r = 0; r < rounds; r++)
            {
                foreach (Variant v in variants)
                {
                    for (int i = 0; i < warmup + steps; i++)
                    {
                        double[] t = v.Step(data, sampler.BatchAt(step++));
                        if (i >= warmup)
                        {
                            v.Times.Add(t);
                        }
                    }
                }
            }

            Console.WriteLine("variant".PadRight(16) + "total".PadLeft(8) + string.Concat(Phases.Select(p => p.PadLeft(10))));
            foreach (Variant v in variants)
            {
                double total = Stats.Median([.. v.Times.Select(t => t.Sum())]);
                string phases = string.Concat(Enumerable.Range(0, Phases.Length).Select(i =>
                    Stats.Median([.. v.Times.Select(t => t[i])]).ToString("F2", CultureInfo.InvariantCulture).PadLeft(10)));
                Console.WriteLine(v.Name.PadRight(16) + total.ToString("F2", CultureInfo.InvariantCulture).PadLeft(8) + phases);
            }
        }
        finally
        {
            variants.ForEach(v => v.Dispose());
        }

        return 0;
    }

    private sealed class Variant : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> model;
        private readonly OptimizerHelper optimizer;
        private readonly bool segHeadsLoss;
        private readonly bool channelsLast;

        private Variant(string name, nn.Module<Tensor, Tensor> model, bool segHeadsLoss, bool channelsLast)
        {
            Name = name;
            this.model = model;
            this.segHeadsLoss = segHeadsLoss;
            this.channelsLast = channelsLast;
            model.train();
            optimizer = new OwnedScalarOptimizers.Adam(model.parameters(), 1e-3);
        }

        public string Name { get; }

        public List<double[]> Times { get; } = [];

        public static Variant Create(string name, TrainConfig c)
        {
            manual_seed(0);
            var o = c.Backbone();
            int headWidth = int.Parse(c.Head.Split('@')[^1].Split('+')[0], CultureInfo.InvariantCulture);
            // segheads: the library as shipped; plain: PlainUNet (TorchSharp only). Suffixes:
            // -ce (F.cross_entropy instead of PixelCrossEntropy), -inplace (in-place ReLU),
            // -cl (channels-last input), -clw (channels-last input and weights).
            string[] parts = name.Split('-');
            bool ce = parts.Contains("ce");
            bool inplace = parts.Contains("inplace");
            bool clw = parts.Contains("clw");
            bool cl = clw || parts.Contains("cl");
            nn.Module<Tensor, Tensor> model = parts[0] switch
            {
                "segheads" when !inplace => SegmentationModel.Create(c.Head, c.Classes, o),
                "plain" when !ce => new PlainUNet(o.BaseWidth, o.Depth, headWidth, c.Classes, inplace),
                _ => throw new ArgumentException($"Unknown variant '{name}' (segheads[-ce][-cl|-clw], plain[-inplace][-cl|-clw])."),
            };
            return new Variant(name, clw ? WeightsChannelsLast(model) : model, parts[0] == "segheads" && !ce, cl);
        }

        /// <summary>Gives every 4-D parameter channels-last strides (what PyTorch's <c>module.to(memory_format=...)</c> does).</summary>
        private static nn.Module<Tensor, Tensor> WeightsChannelsLast(nn.Module<Tensor, Tensor> m)
        {
            using var noGrad = no_grad();
            foreach (var p in m.parameters())
            {
                if (p.dim() == 4)
                {
                    using Tensor t = p.permute(0, 2, 3, 1);
                    using Tensor c = t.contiguous();
                    using Tensor cl = c.permute(0, 3, 1, 2);
                    p.set_(cl);
                }
            }

            return m;
        }

        /// <summary>One step, timed per phase (ms); mirrors Trainer.TrainStep.</summary>
        public double[] Step(InMemoryDataset data, long[] indices)
        {
            var t = new double[Phases.Length];
            long mark = Stopwatch.GetTimestamp();
            void Lap(int phase)
            {
                long now = Stopwatch.GetTimestamp();
                t[phase] += Stopwatch.GetElapsedTime(mark, now).TotalMilliseconds;
                mark = now;
            }

            var scope = NewDisposeScope();
            var (images, masks) = data.GetBatch(indices);
            if (channelsLast)
            {
                images = images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            }

            foreach (var group in optimizer.ParamGroups)
            {
                group.LearningRate = 1e-3;
            }

            Lap(0);
            optimizer.zero_grad();
            Lap(1);
            Tensor logits = model.forward(images);
            Lap(2);
            Tensor loss = segHeadsLoss ? PixelCrossEntropy.Compute(logits, masks) : nn.functional.cross_entropy(logits, masks);
            Lap(3);
            _ = loss.ToDouble();
            Lap(4);
            loss.backward();
            Lap(5);
            optimizer.step();
            Lap(6);
            scope.Dispose();
            Lap(7);
            return t;
        }

        public void Dispose()
        {
            optimizer.Dispose();
            model.Dispose();
        }
    }
}
