using System.Globalization;
using System.Text;
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Plotting;
using SegHeads.Reparam;
using SegHeads.Training;
using SegHeads.Training.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// Is depth only a step-size schedule? The 3x3 → 3x3 → 1x1 stack (pad-once) and a single 5x5 conv
/// started at the stack's collapse (same function at step 0) train on the same batches. Per step the
/// collapsed kernel's change ‖ΔW_t‖ is measured for both. A third run trains the single 5x5 with the
/// stack's measured step sizes: at every step the optimizer's update at the base rate η is taken and
/// rescaled by c_t = s_t / r_t, where s_t is the stack's ‖ΔW_t‖ at that step and r_t the single conv's
/// own ‖ΔW_t‖ at η from its current state. SGD with momentum and Adam keep state that does not depend
/// on the rate (PyTorch applies the rate after the momentum and moment updates), so this is exactly the
/// per-step rate η_t = c_t·η. The matched single conv then has the stack's step sizes but its own step
/// directions; if depth were only a schedule, its loss curve would follow the stack's.
/// </summary>
internal sealed class StepSizeSchedule : IExperiment
{
    private const string Stack = "stacked-linear:3-3-1@16+pad-once";
    private const int BatchSize = 16;

    private static readonly (string Label, OptimizerKind Optimizer, double LearningRate)[] Optimizers =
    [
        ("SGD+momentum, lr 0.05", OptimizerKind.Sgd, 0.05),
        ("Adam, lr 0.01", OptimizerKind.Adam, 0.01),
    ];

    private static readonly string[] Variants = ["3-3-1 stack", "single 5x5", "single 5x5, stack's step sizes"];

    public string Name => "step-schedule";

    public string Description => "3-3-1 stack vs single 5x5 (same start): per-step ||dW|| of the collapsed kernel, and the 5x5 trained with the stack's step sizes";

    public void Run(ExperimentContext context)
    {
        InMemoryDataset train = context.Blobs(false);
        int steps = context.HeadSteps;
        var csv = new StringBuilder("optimizer,seed,step,variant,loss,step_norm,effective_lr\n");
        var figure = new Figure(2, 3) { Title = "5x5 given the 3-3-1 stack's step sizes (same start and batches; min-max over seeds)" };
        for (int o = 0; o < Optimizers.Length; o++)
        {
            var (label, optimizer, lr) = Optimizers[o];
            var runs = new List<Trace[]>();
            foreach (int seed in context.Seeds)
            {
                Trace stack = Train(train, optimizer, lr, seed, steps, scheduleFrom: null, single: false);
                Trace single = Train(train, optimizer, lr, seed, steps, scheduleFrom: null, single: true);
                Trace matched = Train(train, optimizer, lr, seed, steps, scheduleFrom: stack.StepNorms, single: true);
                Trace[] traces = [stack, single, matched];
                runs.Add(traces);
                for (int v = 0; v < traces.Length; v++)
                {
                    for (int t = 0; t < steps; t++)
                    {
                        csv.Append(CultureInfo.InvariantCulture,
                            $"{(optimizer == OptimizerKind.Sgd ? "sgd" : "adam")},{seed},{t + 1},{Variants[v]},{traces[v].Losses[t]:R},{traces[v].StepNorms[t]:R},{traces[v].Rates[t]:R}\n");
                    }
                }
            }

            Plot(figure, o, label, runs, steps);
            Report(context, label, runs);
        }

        Csv.Write(context.PathFor(Name, "steps.csv"), csv.ToString());
        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "step-schedule.png"));
    }

    private void Report(ExperimentContext context, string label, List<Trace[]> runs)
    {
        // Gaps between smoothed loss curves, averaged over steps: how far each single-conv run is from the stack.
        Stats plainGap = Stats.Of(runs.Select(r => Gap(r[1].Losses, r[0].Losses)));
        Stats matchedGap = Stats.Of(runs.Select(r => Gap(r[2].Losses, r[0].Losses)));
        Stats[] area = [.. Enumerable.Range(0, 3).Select(v => Stats.Of(runs.Select(r => r[v].Losses.Average())))];
        Stats[] final = [.. Enumerable.Range(0, 3).Select(v => Stats.Of(runs.Select(r => r[v].Losses.Skip(r[v].Losses.Length * 9 / 10).Average())))];
        Stats ratio = Stats.Of(runs.Select(r => r[0].StepNorms.Sum() / r[1].StepNorms.Sum()));
        Stats rateSpread = Stats.Of(runs.Select(r => Quantile(r[2].Rates, 0.9) / Quantile(r[2].Rates, 0.1)));
        for (int v = 0; v < 3; v++)
        {
            context.Summarize(Name, $"{label} {Variants[v]}", "loss_area", area[v]);
            context.Summarize(Name, $"{label} {Variants[v]}", "final_loss", final[v]);
        }

        context.Summarize(Name, $"{label} single 5x5", "gap_to_stack", plainGap);
        context.Summarize(Name, $"{label} single 5x5, stack's step sizes", "gap_to_stack", matchedGap);
        WelchTest test = Stats.Welch(runs.Select(r => Gap(r[2].Losses, r[0].Losses)), runs.Select(r => Gap(r[1].Losses, r[0].Losses)));
        context.Finding(Name, string.Create(CultureInfo.InvariantCulture,
            $"{label} ({runs.Count} seeds): the stack's end-to-end steps summed to {ratio.Mean:F2}x the single 5x5's; mean loss over the run {area[0].Mean:F4} (stack), {area[1].Mean:F4} (single), {area[2].Mean:F4} (single with the stack's step sizes; its rate η_t spread 10th-90th percentile x{rateSpread.Mean:F1}); mean |loss gap| to the stack {plainGap} (single) vs {matchedGap} (step-matched; Welch t = {test.T:F1}, p = {test.P:G2}). Final loss {final[0].Mean:F4} / {final[1].Mean:F4} / {final[2].Mean:F4}."));
    }

    /// <summary>Mean over steps of |a − b| between the 10-step moving means of two loss curves.</summary>
    private static double Gap(double[] a, double[] b)
    {
        double[] x = Smoothing.MovingMean(a, 10);
        double[] y = Smoothing.MovingMean(b, 10);
        return x.Zip(y, (p, q) => Math.Abs(p - q)).Average();
    }

    private static double Quantile(double[] values, double q)
    {
        double[] sorted = [.. values.Where(double.IsFinite).Order()];
        return sorted.Length == 0 ? double.NaN : sorted[(int)Math.Clamp(Math.Round(q * (sorted.Length - 1)), 0, sorted.Length - 1)];
    }

    /// <summary>
    /// One run on the data's pixels. <paramref name="single"/> trains a 5x5 conv started at the collapse of
    /// the stack this seed builds; with <paramref name="scheduleFrom"/> each step is rescaled to that step norm.
    /// </summary>
    private static Trace Train(InMemoryDataset train, OptimizerKind optimizer, double lr, int seed, int steps, double[]? scheduleFrom, bool single)
    {
        manual_seed(seed);
        SegmentationHead head = HeadFactory.Create(Stack, train.Channels, train.NumClasses);
        if (single)
        {
            using SegmentationHead stack = head;
            using ConvKernel start = stack.Collapse();
            head = HeadFactory.FromKernel(start);
        }

        using var model = new SegmentationModel(new IdentityBackbone(train.Channels), head);
        model.train();
        TorchSharp.Modules.Parameter[] parameters = [.. model.parameters()];
        using optim.Optimizer opt = optimizer == OptimizerKind.Sgd
            ? new OwnedScalarOptimizers.SGD(parameters, lr, momentum: 0.9)
            : new OwnedScalarOptimizers.Adam(parameters, lr);
        var sampler = new BatchSampler(train.Count, BatchSize, seed);
        var trace = new Trace(new double[steps], new double[steps], new double[steps]);
        Tensor previous = Kernel(head);
        try
        {
            for (int t = 0; t < steps; t++)
            {
                using var scope = NewDisposeScope();
                var (images, masks) = train.GetBatch(sampler.BatchAt(t));
                Tensor[] before = [.. parameters.Select(p => p.detach().clone())];
                opt.zero_grad();
                Tensor loss = nn.functional.cross_entropy(model.forward(images), masks.to(int64));
                loss.backward();
                opt.step();
                Tensor after = Kernel(head);
                double raw = linalg.norm(after - previous).item<double>();
                double scale = 1;
                if (scheduleFrom is not null)
                {
                    scale = raw == 0 ? 1 : scheduleFrom[t] / raw;
                    using (no_grad())
                    {
                        for (int i = 0; i < parameters.Length; i++)
                        {
                            // p ← p_before + c·(p − p_before): the update the rate c·η would have made.
                            parameters[i].sub_(before[i]).mul_(scale).add_(before[i]);
                        }
                    }

                    after = Kernel(head);
                }

                trace.Losses[t] = loss.to(float64).item<double>();
                trace.StepNorms[t] = linalg.norm(after - previous).item<double>();
                trace.Rates[t] = lr * scale;
                previous.Dispose();
                previous = after.MoveToOuterDisposeScope();
            }
        }
        finally
        {
            previous.Dispose();
        }

        return trace;
    }

    /// <summary>The head's collapsed kernel weight in float64 (the end-to-end map W_e; bias left out).</summary>
    private static Tensor Kernel(SegmentationHead head)
    {
        using var noGrad = no_grad();
        using ConvKernel kernel = head.Collapse();
        return kernel.Weight.detach().to(float64).clone();
    }

    private static void Plot(Figure figure, int row, string label, List<Trace[]> runs, int steps)
    {
        double[] x = [.. Enumerable.Range(1, steps).Select(i => (double)i)];
        (string Title, string Y, bool Log, Func<Trace, double[]> Pick, int[] Variants)[] panels =
        [
            ($"{label}: step size", "||dW_e|| per step", true, t => t.StepNorms, [0, 1]),
            ($"{label}: matching rate", "effective lr of the 5x5", true, t => t.Rates, [2]),
            ($"{label}: loss", "training loss", true, t => t.Losses, [0, 1, 2]),
        ];
        for (int p = 0; p < panels.Length; p++)
        {
            LineChart chart = figure[row, p];
            chart.Title = panels[p].Title;
            chart.XLabel = "step";
            chart.YLabel = panels[p].Y;
            chart.LogY = panels[p].Log;
            foreach (int v in panels[p].Variants)
            {
                chart.AddRuns(Variants[v], x, [.. runs.Select(r => (IReadOnlyList<double>)Smoothing.MovingMean(panels[p].Pick(r[v]), 10))]);
            }
        }
    }

    private sealed record Trace(double[] Losses, double[] StepNorms, double[] Rates);
}
