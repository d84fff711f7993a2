using System.Globalization;
using System.Text;
using SegHeads.Data;
using SegHeads.Dynamics;
using SegHeads.Plotting;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// Arora, Cohen and Hazan (2018), Theorem 1, during real training: a depth-3 stack of bias-free 1x1 convs
/// (3 → 16 → 16 → 4, written as matrices on pixel vectors, which is what a 1x1 conv computes) trained by
/// plain SGD on ColorBlobs pixels with softmax cross-entropy. At every logged step the measured change of
/// the end-to-end map is compared with <see cref="Preconditioning.PredictedUpdate"/>, and the drift from
/// balance is recorded.
/// </summary>
internal sealed class PreconditioningCheck : IExperiment
{
    private const int Depth = 3;
    private const int Hidden = 16;
    private const int BatchSize = 16;

    private static readonly Config[] Configs =
    [
        new("balanced lr=0.05", Balanced: true, LearningRate: 0.05),
        new("balanced lr=0.5", Balanced: true, LearningRate: 0.5),
        new("default init lr=0.5", Balanced: false, LearningRate: 0.5),
    ];

    public string Name => "preconditioning";

    public string Description => "measured end-to-end SGD updates of a 1-1-1 stack vs Arora, Cohen & Hazan (2018) Theorem 1, with the drift from balance";

    public void Run(ExperimentContext context)
    {
        InMemoryDataset train = context.Blobs(false);
        int steps = context.Quick ? 200 : 2000;
        int every = context.Quick ? 5 : 10;
        var csv = new StringBuilder("config,seed,step,loss,cosine,relative_error,imbalance_part,step_part,cosine_to_gradient,relative_imbalance\n");
        var runs = new List<(Config Config, int Seed, List<Row> Rows)>();
        foreach (Config config in Configs)
        {
            foreach (int seed in context.Seeds)
            {
                List<Row> rows = Train(config, seed, train, steps, every);
                runs.Add((config, seed, rows));
                foreach (Row r in rows)
                {
                    csv.Append(CultureInfo.InvariantCulture,
                        $"{config.Label},{seed},{r.Step},{r.Loss:R},{r.Cosine:R},{r.RelativeError:R},{r.ImbalancePart:R},{r.StepPart:R},{r.CosineToGradient:R},{r.RelativeImbalance:R}\n");
                }
            }
        }

        Csv.Write(context.PathFor(Name, "updates.csv"), csv.ToString());
        Plot(runs).ToCanvas(560, 420).SavePng(context.PathFor(Name, "preconditioning.png"));
        foreach (Config config in Configs)
        {
            var mine = runs.Where(r => r.Config == config).Select(r => r.Rows).ToList();
            Stats firstError = Stats.Of(mine.Select(r => r[0].RelativeError));
            Stats lastError = Stats.Of(mine.Select(r => r[^1].RelativeError));
            Stats worstError = Stats.Of(mine.Select(r => r.Max(x => x.RelativeError)));
            Stats worstCosine = Stats.Of(mine.Select(r => r.Min(x => x.Cosine)));
            Stats gradientCosine = Stats.Of(mine.Select(r => r.Average(x => x.CosineToGradient)));
            Stats lastImbalance = Stats.Of(mine.Select(r => r[^1].RelativeImbalance));
            Stats lastImbalancePart = Stats.Of(mine.Select(r => r[^1].ImbalancePart));
            Stats lastStepPart = Stats.Of(mine.Select(r => r[^1].StepPart));
            context.Summarize(Name, config.Label, "relative_error_first", firstError);
            context.Summarize(Name, config.Label, "relative_error_last", lastError);
            context.Summarize(Name, config.Label, "relative_error_max", worstError);
            context.Summarize(Name, config.Label, "cosine_min", worstCosine);
            context.Summarize(Name, config.Label, "cosine_to_gradient_mean", gradientCosine);
            context.Summarize(Name, config.Label, "relative_imbalance_last", lastImbalance);
            context.Summarize(Name, config.Label, "imbalance_part_last", lastImbalancePart);
            context.Summarize(Name, config.Label, "step_part_last", lastStepPart);
            context.Finding(Name, string.Create(CultureInfo.InvariantCulture,
                $"{config.Label}: relative error of the predicted end-to-end update {firstError.Mean:G3} at step 1, {lastError.Mean:G3} at step {steps} (worst {worstError.Mean:G3}; at the end {lastImbalancePart.Mean:G3} from imbalance, {lastStepPart.Mean:G3} from the O(η²) term); lowest cosine {worstCosine.Mean:F5}; mean cosine of the update with −∇L(W_e) {gradientCosine.Mean:F3}; imbalance at the end {lastImbalance.Mean:G3} of ‖W_j W_jᵀ‖."));
        }
    }

    private static List<Row> Train(Config config, int seed, InMemoryDataset train, int steps, int every)
    {
        var generator = new Generator((ulong)seed + 1);
        Tensor[] factors = Start(config, generator);
        var sampler = new BatchSampler(train.Count, BatchSize, seed);
        var rows = new List<Row>();
        try
        {
            for (int step = 1; step <= steps; step++)
            {
                using var scope = NewDisposeScope();
                var (images, masks) = train.GetBatch(sampler.BatchAt(step - 1));
                Tensor pixels = images.to(float64).permute(1, 0, 2, 3).reshape(images.shape[1], -1);
                Tensor labels = masks.reshape(-1);
                Tensor before = Preconditioning.Product(factors).detach();
                bool logged = step == 1 || step % every == 0;
                Tensor? gradient = logged ? EndToEndGradient(before, pixels, labels) : null;
                Tensor[]? previous = logged ? factors.Select(w => w.detach().clone()).ToArray() : null;

                Tensor loss = Loss(Preconditioning.Product(factors), pixels, labels);
                loss.backward();
                using (no_grad())
                {
                    foreach (Tensor w in factors)
                    {
                        using Tensor grad = w.grad!;
                        w.sub_(config.LearningRate * grad);
                        grad.zero_();
                    }
                }

                if (gradient is not null)
                {
                    // NOTE: FirstOrderUpdate uses the factors before the step, so measured − it is the O(η²) part and
                    // it − predicted is the part that only imbalance causes.
                    Tensor firstOrder = Preconditioning.FirstOrderUpdate(previous!, gradient, config.LearningRate);
                    Tensor measured = Preconditioning.Product(factors).detach() - before;
                    Tensor predicted = Preconditioning.PredictedUpdate(before, gradient, Depth, config.LearningRate);
                    rows.Add(new Row(step, loss.item<double>(), Cosine(measured, predicted),
                        Relative(measured - predicted, predicted), Relative(firstOrder - predicted, predicted), Relative(measured - firstOrder, predicted),
                        Cosine(measured, -gradient), RelativeImbalance(factors)));
                }
            }
        }
        finally
        {
            foreach (Tensor w in factors)
            {
                w.Dispose();
            }
        }

        return rows;
    }

    /// <summary>
    /// PyTorch's default 1x1-conv initialisation (uniform in ±1/√fan_in per factor), or the balanced
    /// factorisation of that same start's end-to-end map, so both starts compute the same function.
    /// </summary>
    private static Tensor[] Start(Config config, Generator generator)
    {
        using var scope = NewDisposeScope();
        int[] widths = [3, Hidden, Hidden, 4];
        Tensor[] layers = Enumerable.Range(0, Depth)
            .Select(j => (rand([widths[j + 1], widths[j]], dtype: float64, generator: generator) * 2 - 1) / Math.Sqrt(widths[j]))
            .ToArray();
        Tensor[] start = config.Balanced ? Preconditioning.Balance(Preconditioning.Product(layers), [Hidden, Hidden], generator) : layers;
        return start.Select(w => w.detach().clone().requires_grad_(true).MoveToOuterDisposeScope()).ToArray();
    }

    private static Tensor Loss(Tensor endToEnd, Tensor pixels, Tensor labels) =>
        nn.functional.cross_entropy(endToEnd.matmul(pixels).T, labels);

    private static Tensor EndToEndGradient(Tensor endToEnd, Tensor pixels, Tensor labels)
    {
        Tensor leaf = endToEnd.detach().clone().requires_grad_(true);
        Loss(leaf, pixels, labels).backward();
        return leaf.grad!.detach().clone();
    }

    private static double Relative(Tensor difference, Tensor reference) =>
        (linalg.norm(difference) / linalg.norm(reference)).item<double>();

    private static double Cosine(Tensor a, Tensor b) =>
        ((a * b).sum() / (linalg.norm(a) * linalg.norm(b))).item<double>();

    /// <summary><see cref="Preconditioning.Imbalance"/> divided by the largest ‖W_j W_jᵀ‖_F, so that it reads as a fraction.</summary>
    private static double RelativeImbalance(Tensor[] factors)
    {
        using var scope = NewDisposeScope();
        double scale = factors.Max(w => linalg.norm(w.detach().matmul(w.detach().T)).item<double>());
        return Preconditioning.Imbalance(factors) / scale;
    }

    private static Figure Plot(List<(Config Config, int Seed, List<Row> Rows)> runs)
    {
        var figure = new Figure(2, 2) { Title = "Theorem 1 of Arora, Cohen & Hazan (2018) along SGD of a 1-1-1 stack (min-max over seeds)" };
        (string Title, string Label, Func<Row, double> Value, bool Log)[] panels =
        [
            ("Theorem 1 vs measured update", "relative error", r => r.RelativeError, true),
            ("part due to imbalance (vs first order)", "relative error (floor 1e-6)", r => Math.Max(r.ImbalancePart, 1e-6), true),
            ("drift from balance", "imbalance / max ||W_j W_j^T||", r => Math.Max(r.RelativeImbalance, 1e-6), true),
            ("training loss", "cross-entropy", r => r.Loss, false),
        ];
        for (int p = 0; p < panels.Length; p++)
        {
            LineChart chart = figure[p / 2, p % 2];
            chart.Title = panels[p].Title;
            chart.XLabel = "step";
            chart.YLabel = panels[p].Label;
            chart.LogY = panels[p].Log;
            foreach (var group in runs.GroupBy(r => r.Config))
            {
                double[] x = group.First().Rows.Select(r => (double)r.Step).ToArray();
                chart.AddRuns(group.Key.Label, x, group.Select(r => (IReadOnlyList<double>)r.Rows.Select(panels[p].Value).ToArray()).ToArray());
            }
        }

        return figure;
    }

    private sealed record Config(string Label, bool Balanced, double LearningRate);

    private sealed record Row(long Step, double Loss, double Cosine, double RelativeError, double ImbalancePart, double StepPart, double CosineToGradient, double RelativeImbalance);
}
