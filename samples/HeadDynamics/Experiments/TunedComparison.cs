using System.Diagnostics;
using System.Globalization;
using System.Text;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Plotting;
using SegHeads.Samples.HeadDynamics.Sharding;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Samples.HeadDynamics.Experiments;

/// <summary>
/// Depth against learning rate: every head and optimizer gets its own learning rate, chosen on a validation
/// split with tuning seeds from a log-spaced grid, then fresh seeds at that rate are compared on a test split
/// (Welch t, Holm-corrected within each setting and metric, Hedges' g). Two settings: the head alone on
/// ColorBlobs pixels, and the head on a small UNet on ToyShapes. Stage "tune" runs the grid, stage "final"
/// the fresh seeds; both are lists of independent runs that can be sharded and merged.
/// </summary>
internal sealed class TunedComparison : IShardedExperiment
{
    public const string Tune = "tune";
    public const string Final = "final";
    private const string RunHeader = "run,setting,optimizer,head,lr,seed,steps,status,train_loss_area,train_loss_final,flatness,val_loss,val_miou,test_loss,test_miou,val_miou_half";
    private const string CurveHeader = "run,step,loss";
    private const int TuneSeedBase = 1000;

    private static readonly Head[] Heads =
    [
        new("1x1", "linear"),
        new("5x5", "stacked-linear:5"),
        new("3-3-1", "stacked-linear:3-3-1@16+pad-once"),
        new("3-3-1+bn", "stacked-linear:3-3-1@16+bn+pad-once"),
        // Control for the BN stacks: BN after a hidden conv that already has the whole 5x5 field, so
        // "3-3-1+bn vs 5-1+bn" is factorisation under BN and "5-1+bn vs 5x5" is what BN plus a 1x1 adds.
        new("5-1+bn", "stacked-linear:5-1@16+bn+pad-once"),
        new("branched", "branched-linear:3-3-1@16+bn"),
        new("activated", "activated:3-3-1@16+bn"),
    ];

    /// <summary>
    /// The tests of each table (head, baseline): every head against the 1x1 (receptive field and depth) and
    /// against the single 5x5 (same function class as the linear stacks), BN's share within the stack
    /// (3-3-1+bn vs 3-3-1), and factorising the 5x5 under BN (3-3-1+bn vs 5-1+bn).
    /// </summary>
    private static readonly (string Head, string Baseline)[] Comparisons =
    [
        .. Heads.Where(h => h.Key != "1x1").Select(h => (h.Key, "1x1")),
        .. Heads.Where(h => h.Key is not ("1x1" or "5x5")).Select(h => (h.Key, "5x5")),
        ("3-3-1+bn", "3-3-1"),
        ("3-3-1+bn", "5-1+bn"),
    ];

    /// <summary>
    /// Settings without a grid of their own: they retrain backbone cells at the backbone's tuned
    /// rates for a multiple of its steps, to show whether the backbone verdicts depend on the budget
    /// and how far from converged the backbone runs are; 8x and 16x have the full seed count.
    /// </summary>
    private static readonly LongBudget[] LongBudgets =
    [
        new("backbone-4x", 4, 10, ["5x5", "3-3-1", "3-3-1+bn", "5-1+bn"]),
        // Where validation mIoU has levelled off for most cells: every head.
        new("backbone-8x", 8, 20, [.. Heads.Select(h => h.Key)]),
        // The slowest head to level off at 8x (the stack) and its single-conv twin, converged.
        new("backbone-16x", 16, 20, ["5x5", "3-3-1"]),
    ];

    private static readonly string[] TunedSettings = ["head-alone", "backbone"];

    /// <summary>The settings of the tables, in run-list order.</summary>
    private static readonly string[] Settings = [.. TunedSettings, .. LongBudgets.Select(b => b.Setting)];

    // Budgets chosen by pilot runs at the tuned rates (see the convergence note of the write-up); the
    // flatness and half-budget columns of every run say whether the budget sufficed.
    private const int HeadSteps = 400;
    private const int BackboneSteps = 1000;
    private static readonly OptimizerKind[] Optimizers = [OptimizerKind.Sgd, OptimizerKind.Adam];

    // Half-decade grids around the rates the other experiments use (SGD 0.05, Adam 0.01 / 3e-3), three
    // decades each; Adam's reaches 0.1 because 0.03 was the best rate of three cells on a grid ending there.
    private static readonly double[] SgdGrid = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0];
    private static readonly double[] AdamGrid = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

    public string Name => "lr-tuned";

    public string Description => "seven heads x SGD/Adam, learning rate tuned per head on validation seeds, fresh seeds compared with Holm-corrected Welch tests; head alone and on a UNet";

    public IReadOnlyList<string> Stages => [Tune, Final];

    public IReadOnlyList<string> RunIds(ExperimentContext context, string stage) => Plan(context, stage).Select(p => p.Id).ToList();

    public void Run(ExperimentContext context)
    {
        string[] stages = context.Stage is null ? [Tune, Final] : [context.Stage];
        RunTable tuning = new(RunHeader);
        foreach (string stage in stages)
        {
            List<Planned> plan = Plan(context, stage);
            RunTable table = stage == Tune ? tuning : new RunTable(RunHeader);
            RunTable curves = new(CurveHeader);
            Dictionary<string, double>? best = null;
            if (stage == Final)
            {
                if (context.Stage is not null)
                {
                    string folder = context.EarlierStages ?? context.Output;
                    tuning = Load(context, [folder], "tuning.csv");
                }

                best = ChooseBest(context, tuning, requireComplete: true);
            }

            string tablePath = context.PathFor(Name, stage == Tune ? "tuning.csv" : "final.csv");
            string curvePath = context.PathFor(Name, stage == Tune ? "curves-tuning.csv" : "curves.csv");
            var order = plan.Select(p => p.Id).ToList();
            var clock = Stopwatch.StartNew();
            int done = 0;
            int mine = plan.Where((p, i) => context.Executes(i, p.Id)).Count();
            for (int i = 0; i < plan.Count; i++)
            {
                Planned run = plan[i];
                if (!context.Executes(i, run.Id))
                {
                    continue;
                }

                double lr = run.LearningRate ?? best![CellKey(TunedSettingOf(run.Setting), run.Optimizer, run.Head.Key)];
                var (row, curve) = Execute(context, run, lr);
                table.Add(run.Id, [row]);
                curves.Add(run.Id, curve);
                // Rewritten after every run, so a killed shard keeps what it finished.
                table.Write(tablePath, order);
                curves.Write(curvePath, order);
                done++;
                if (done % 10 == 0 || done == mine)
                {
                    context.Log(string.Create(CultureInfo.InvariantCulture,
                        $"  {stage} shard {context.Shard}: {done}/{mine} runs, {clock.Elapsed.TotalSeconds:F0} s ({clock.Elapsed.TotalSeconds / done:F2} s/run)"));
                }
            }

            table.Write(tablePath, order);
            curves.Write(curvePath, order);
        }

        if (context.Shard == ShardSpec.All && context.Stage is null && context.RunPrefixes is null)
        {
            Analyse(context);
        }
    }

    public void Merge(ExperimentContext context, IReadOnlyList<string> shardFolders)
    {
        foreach (var (file, stage) in new[] { ("tuning.csv", Tune), ("curves-tuning.csv", Tune), ("final.csv", Final), ("curves.csv", Final) })
        {
            RunTable table = Load(context, shardFolders, file);
            table.Write(context.PathFor(Name, file), Plan(context, stage).Select(p => p.Id).ToList());
        }

        Analyse(context);
    }

    /// <summary>The setting whose tuned rate a setting's runs use: the long budget reuses the backbone's.</summary>
    private static string TunedSettingOf(string setting) => LongBudgetOf(setting) is null ? setting : "backbone";

    private static LongBudget? LongBudgetOf(string setting) => LongBudgets.FirstOrDefault(b => b.Setting == setting);

    private static string CellKey(string setting, OptimizerKind optimizer, string head) => CellKey(setting, Opt(optimizer), head);

    private static string CellKey(string setting, string optimizer, string head) => $"{setting}/{optimizer}/{head}";

    private static string Opt(OptimizerKind optimizer) => optimizer == OptimizerKind.Sgd ? "sgd" : "adam";

    /// <summary>Quick mode (CI's smoke run) keeps the 1x1, the 5x5, the linear stack and the activated stack.</summary>
    private static IEnumerable<Head> HeadsOf(ExperimentContext context) =>
        context.Quick ? Heads.Where(h => h.Key is "1x1" or "5x5" or "3-3-1" or "activated") : Heads;

    private static Sizes SizesOf(ExperimentContext context) => context.Quick
        ? new Sizes(TuneSeeds: 1, FinalSeeds: context.SeedsGiven ? context.Seeds.Count : 2, HeadSteps: 12, BackboneSteps: 8, GridEvery: 3, HeadImageSize: 16, BackboneImageSize: 16, HeadTrainCount: 32, BackboneTrainCount: 32, EvalCount: 8)
        : new Sizes(TuneSeeds: 3, FinalSeeds: context.SeedsGiven ? context.Seeds.Count : 20, HeadSteps: HeadSteps, BackboneSteps: BackboneSteps, GridEvery: 1, HeadImageSize: 16, BackboneImageSize: 16, HeadTrainCount: 256, BackboneTrainCount: 2048, EvalCount: 64);

    /// <summary>
    /// The run list of a stage. Final runs go setting by setting and, within a setting, seed by seed
    /// across all cells, so a run stopped early leaves one setting complete and the other with equal
    /// seed counts in every cell.
    /// </summary>
    private List<Planned> Plan(ExperimentContext context, string stage)
    {
        if (stage != Tune && stage != Final)
        {
            throw new ArgumentException($"Unknown stage '{stage}' of {Name}; expected {Tune} or {Final}.");
        }

        Sizes sizes = SizesOf(context);
        var plan = new List<Planned>();
        foreach (string setting in Settings)
        {
            if (stage == Final)
            {
                LongBudget? budget = LongBudgetOf(setting);
                int seeds = budget is null ? sizes.FinalSeeds : context.Quick ? 2 : budget.Seeds;
                for (int s = 0; s < seeds; s++)
                {
                    foreach (OptimizerKind optimizer in Optimizers)
                    {
                        foreach (Head head in HeadsOf(context).Where(h => budget is null || budget.Heads.Contains(h.Key)))
                        {
                            plan.Add(new Planned($"final/{setting}/{Opt(optimizer)}/{head.Key}/s{s}", setting, optimizer, head, null, s));
                        }
                    }
                }

                continue;
            }

            if (!TunedSettings.Contains(setting))
            {
                continue;
            }

            foreach (OptimizerKind optimizer in Optimizers)
            {
                double[] grid = (optimizer == OptimizerKind.Sgd ? SgdGrid : AdamGrid).Where((_, i) => i % sizes.GridEvery == 1 % sizes.GridEvery).ToArray();
                foreach (Head head in HeadsOf(context))
                {
                    foreach (double lr in grid)
                    {
                        for (int s = 0; s < sizes.TuneSeeds; s++)
                        {
                            plan.Add(new Planned(string.Create(CultureInfo.InvariantCulture, $"tune/{setting}/{Opt(optimizer)}/{head.Key}/lr{lr:R}/s{TuneSeedBase + s}"),
                                setting, optimizer, head, lr, TuneSeedBase + s));
                        }
                    }
                }
            }
        }

        return plan;
    }

    private static (string Row, List<string> Curve) Execute(ExperimentContext context, Planned run, double lr)
    {
        Sizes sizes = SizesOf(context);
        bool backbone = TunedSettingOf(run.Setting) == "backbone";
        InMemoryDataset train = Data(context, sizes, run.Setting, "train");
        InMemoryDataset validation = Data(context, sizes, run.Setting, "validation");
        InMemoryDataset test = Data(context, sizes, run.Setting, "test");
        int steps = LongBudgetOf(run.Setting) is { } budget ? budget.Factor * sizes.BackboneSteps : backbone ? sizes.BackboneSteps : sizes.HeadSteps;
        var config = new RunConfig(run.Head.Key, run.Head.Spec) { Optimizer = run.Optimizer, LearningRate = lr, WithBackbone = backbone };
        (double Loss, double MeanIoU) val = (double.NaN, double.NaN);
        (double Loss, double MeanIoU) tst = (double.NaN, double.NaN);
        string status = "ok";
        double[] losses;
        double halfMeanIoU = double.NaN;
        try
        {
            // Validating at half the budget too shows whether the second half still changed the model.
            RunResult result = Runner.Run(config, run.Seed, train, validation, steps, steps / 2, (model, trainer) =>
            {
                val = Evaluate(model, trainer, validation);
                tst = Evaluate(model, trainer, test);
            });
            losses = result.Losses;
            halfMeanIoU = result.EvalSteps.Length > 1 ? result.EvalMeanIoU[0] : double.NaN;
            if (!double.IsFinite(val.Loss) || !double.IsFinite(tst.Loss))
            {
                status = "diverged";
            }
        }
        catch (TrainingDivergedException)
        {
            status = "diverged";
            losses = [];
        }

        int w = Math.Max(1, losses.Length / 10);
        double area = losses.Length == steps ? losses.Average() : double.NaN;
        double last = losses.Length == steps ? losses[^w..].Average() : double.NaN;
        double before = losses.Length == steps ? losses[^(2 * w)..^w].Average() : double.NaN;
        string row = RunTable.Format(
            $"{run.Id},{run.Setting},{Opt(run.Optimizer)},{run.Head.Key},{lr:R},{run.Seed},{steps},{status},{area:R},{last:R},{(before - last) / last:R},{val.Loss:R},{val.MeanIoU:R},{tst.Loss:R},{tst.MeanIoU:R},{halfMeanIoU:R}");
        var curve = new List<string>();
        int bin = Math.Max(1, steps / 50);
        for (int end = bin; end <= losses.Length; end += bin)
        {
            curve.Add(RunTable.Format($"{run.Id},{end},{losses[(end - bin)..end].Average():R}"));
        }

        return (row, curve);
    }

    /// <summary>Cross-entropy and mIoU of the trained model on a whole split, in evaluation mode.</summary>
    private static (double Loss, double MeanIoU) Evaluate(SegmentationModel model, Trainer trainer, InMemoryDataset data)
    {
        double miou = trainer.Evaluate(data).MeanIoU;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        model.eval();
        Tensor logits = model.forward(data.Images);
        return (nn.functional.cross_entropy(logits, data.Masks.to(int64)).to(float64).item<double>(), miou);
    }

    private static InMemoryDataset Data(ExperimentContext context, Sizes sizes, string setting, string split)
    {
        int seed = split switch { "train" => 0, "validation" => 1, _ => 2 };
        bool backbone = TunedSettingOf(setting) == "backbone";
        int count = split != "train" ? sizes.EvalCount : backbone ? sizes.BackboneTrainCount : sizes.HeadTrainCount;
        return backbone
            ? context.Cached($"lr-tuned-shapes-{split}", () => ToyShapes.Generate(new ToyShapesOptions
            {
                Count = count, ImageSize = sizes.BackboneImageSize, NumClasses = 4, Seed = 300 + seed,
            }))
            : context.Cached($"lr-tuned-blobs-{split}", () => ColorBlobs.Generate(new ColorBlobsOptions
            {
                Count = count, ImageSize = sizes.HeadImageSize, Channels = 3, NumClasses = 4, Noise = 0.8, Cells = 5, Seed = 400 + seed,
            }));
    }

    private RunTable Load(ExperimentContext context, IReadOnlyList<string> folders, string file)
    {
        var table = new RunTable(file.StartsWith("curves", StringComparison.Ordinal) ? CurveHeader : RunHeader);
        foreach (string folder in folders)
        {
            string path = System.IO.Path.Combine(folder, Name, file);
            if (File.Exists(path))
            {
                table.AddFile(path);
            }
            else if (context.Stage != Final && file == "tuning.csv")
            {
                context.Log($"  note: {path} not found (that shard ran no tuning runs)");
            }
        }

        return table;
    }

    /// <summary>Per cell the grid rate with the lowest mean validation loss; a rate with any diverged seed is out.</summary>
    private Dictionary<string, double> ChooseBest(ExperimentContext context, RunTable tuning, bool requireComplete)
    {
        IReadOnlyList<string> ids = RunIds(context, Tune);
        int missing = ids.Count(id => !tuning.Contains(id));
        if (requireComplete && missing > 0)
        {
            throw new InvalidOperationException(
                $"The tuning stage is incomplete: {missing} of {ids.Count} runs missing (e.g. '{ids.First(id => !tuning.Contains(id))}'). Merge every tuning shard first (--merge) and pass that folder with --stages-from.");
        }

        return TuneRows(tuning, ids)
            .GroupBy(r => CellKey(r.Setting, r.Optimizer, r.Head))
            .ToDictionary(
                g => g.Key,
                g => g.GroupBy(r => r.LearningRate)
                    .Select(lr => (Lr: lr.Key, Score: lr.Any(r => r.Status != "ok") ? double.PositiveInfinity : lr.Average(r => r.ValLoss)))
                    .OrderBy(x => x.Score).ThenBy(x => x.Lr).First().Lr,
                StringComparer.Ordinal);
    }

    private static List<Row> TuneRows(RunTable table, IEnumerable<string> ids) =>
        ids.SelectMany(table.Rows).Select(Row.Parse).ToList();

    private void Analyse(ExperimentContext context)
    {
        RunTable tuning = Load(context, [context.Output], "tuning.csv");
        RunTable final = Load(context, [context.Output], "final.csv");
        RunTable curves = Load(context, [context.Output], "curves.csv");
        List<Row> tuneRows = TuneRows(tuning, RunIds(context, Tune));
        List<Row> finalRows = TuneRows(final, RunIds(context, Final));
        if (tuneRows.Count == 0)
        {
            context.Finding(Name, "no tuning runs found; nothing to analyse.");
            return;
        }

        Dictionary<string, double> best = ChooseBest(context, tuning, requireComplete: false);
        WriteBest(context, tuneRows, best);
        PlotGrid(context, tuneRows);
        if (finalRows.Count == 0)
        {
            context.Finding(Name, $"tuning stage only ({tuneRows.Count} runs); the final stage has not run.");
            return;
        }

        var md = new StringBuilder();
        var cells = new StringBuilder("setting,optimizer,head,lr,n,metric,mean,ci_low,ci_high,std\n");
        var tests = new StringBuilder("setting,metric,optimizer,head,baseline,n_head,n_baseline,mean_head,mean_baseline,difference,t,df,p,p_holm,hedges_g\n");
        (string Metric, string Title, Func<Row, double> Pick)[] metrics =
        [
            ("test_loss", "test cross-entropy", r => r.TestLoss),
            ("test_miou", "test mIoU", r => r.TestMeanIoU),
            ("train_loss_area", "mean training loss over the run", r => r.TrainLossArea),
        ];
        foreach (string setting in Settings)
        {
            var rows = finalRows.Where(r => r.Setting == setting && r.Status == "ok").ToList();
            if (rows.Count == 0)
            {
                continue;
            }

            md.Append(CultureInfo.InvariantCulture, $"\n#### {setting}\n\n| optimizer | head | tuned lr | n | test loss (95% CI) | test mIoU (95% CI) | mean train loss | flatness, mean (max) | val mIoU gain, 2nd half [95% CI] |\n|---|---|---|---|---|---|---|---|---|\n");
            foreach (OptimizerKind optimizer in Optimizers)
            {
                foreach (Head head in Heads)
                {
                    var mine = rows.Where(r => r.Optimizer == Opt(optimizer) && r.Head == head.Key).ToList();
                    if (mine.Count == 0)
                    {
                        continue;
                    }

                    double lr = mine[0].LearningRate;
                    foreach (var (metric, _, pick) in metrics.Append(("flatness", "", r => r.Flatness)).Append(("val_miou_gain_second_half", "", r => r.ValMeanIoU - r.HalfValMeanIoU)))
                    {
                        Stats s = Stats.Of(mine.Select(pick));
                        double h = s.HalfWidth();
                        cells.Append(CultureInfo.InvariantCulture, $"{setting},{Opt(optimizer)},{head.Key},{lr:R},{s.Count},{metric},{s.Mean:R},{s.Mean - h:R},{s.Mean + h:R},{s.Std:R}\n");
                    }

                    Stats loss = Stats.Of(mine.Select(r => r.TestLoss));
                    Stats miou = Stats.Of(mine.Select(r => r.TestMeanIoU));
                    Stats area = Stats.Of(mine.Select(r => r.TrainLossArea));
                    Stats flat = Stats.Of(mine.Select(r => r.Flatness));
                    Stats gain = Stats.Of(mine.Select(r => r.ValMeanIoU - r.HalfValMeanIoU));
                    md.Append(CultureInfo.InvariantCulture,
                        $"| {Opt(optimizer)} | {head.Key} | {lr:G3} | {loss.Count} | {loss.Mean:F4} [{loss.Mean - loss.HalfWidth():F4}, {loss.Mean + loss.HalfWidth():F4}] | {miou.Mean:F4} [{miou.Mean - miou.HalfWidth():F4}, {miou.Mean + miou.HalfWidth():F4}] | {area.Mean:F4} | {flat.Mean * 100:F2}% ({flat.Max * 100:F2}%) | {gain.Mean:+0.0000;-0.0000;+0.0000} [{gain.Mean - gain.HalfWidth():+0.0000;-0.0000;+0.0000}, {gain.Mean + gain.HalfWidth():+0.0000;-0.0000;+0.0000}] |\n");
                }
            }

            foreach (var (metric, title, pick) in metrics)
            {
                var family = new List<(OptimizerKind Optimizer, string Head, string Baseline, int NHead, int NBase, double MeanHead, double MeanBase, WelchTest Test, double G)>();
                foreach (OptimizerKind optimizer in Optimizers)
                {
                    foreach (var (head, baseline) in Comparisons)
                    {
                        double[] a = rows.Where(r => r.Optimizer == Opt(optimizer) && r.Head == head).Select(pick).ToArray();
                        double[] b = rows.Where(r => r.Optimizer == Opt(optimizer) && r.Head == baseline).Select(pick).ToArray();
                        if (a.Length < 2 || b.Length < 2)
                        {
                            continue;
                        }

                        family.Add((optimizer, head, baseline, a.Length, b.Length, a.Average(), b.Average(), Stats.Welch(a, b), Stats.HedgesG(a, b)));
                    }
                }

                double[] holm = Stats.Holm(family.Select(f => f.Test.P).ToList());
                md.Append(CultureInfo.InvariantCulture, $"\n{title}, {setting}: head − baseline, Welch t, Holm over the {family.Count} tests of this table\n\n| optimizer | head | vs | difference | Hedges' g | t (df) | p | p (Holm) |\n|---|---|---|---|---|---|---|---|\n");
                for (int i = 0; i < family.Count; i++)
                {
                    var f = family[i];
                    tests.Append(CultureInfo.InvariantCulture,
                        $"{setting},{metric},{Opt(f.Optimizer)},{f.Head},{f.Baseline},{f.NHead},{f.NBase},{f.MeanHead:R},{f.MeanBase:R},{f.Test.Difference:R},{f.Test.T:R},{f.Test.DegreesOfFreedom:R},{f.Test.P:R},{holm[i]:R},{f.G:R}\n");
                    md.Append(CultureInfo.InvariantCulture,
                        $"| {Opt(f.Optimizer)} | {f.Head} | {f.Baseline} | {f.Test.Difference:+0.0000;-0.0000;+0.0000} | {f.G:+0.00;-0.00;+0.00} | {f.Test.T:F2} ({f.Test.DegreesOfFreedom:F1}) | {P(f.Test.P)} | {P(holm[i])} |\n");
                    string? what = (f.Head, f.Baseline) switch
                    {
                        ("3-3-1", "5x5") => "depth (3-3-1 vs the single 5x5, same function class)",
                        ("3-3-1+bn", "5-1+bn") => "factorising the 5x5 under BN (3-3-1+bn vs 5-1+bn)",
                        _ => null,
                    };
                    if (metric == "test_loss" && what is not null)
                    {
                        string verdict = holm[i] < 0.05
                            ? $"{what} {(f.Test.Difference < 0 ? "lowered" : "raised")} the test loss by {Math.Abs(f.Test.Difference):G3} after tuning (g = {f.G:F2}, Holm p = {P(holm[i])})"
                            : $"after tuning, {what} made no significant difference to the test loss ({f.Test.Difference:+0.0000;-0.0000;+0.0000}, g = {f.G:F2}, Holm p = {P(holm[i])})";
                        context.Finding(Name, $"{setting}, {Opt(f.Optimizer)} ({f.NHead} vs {f.NBase} seeds): {verdict}.");
                    }
                }
            }

            foreach (OptimizerKind optimizer in Optimizers)
            {
                foreach (Head head in Heads)
                {
                    Stats s = Stats.Of(rows.Where(r => r.Optimizer == Opt(optimizer) && r.Head == head.Key).Select(r => r.TestLoss));
                    if (s.Count > 0)
                    {
                        context.Summarize(Name, $"{setting} {Opt(optimizer)} {head.Key}", "test_loss", s);
                    }
                }
            }
        }

        Csv.Write(context.PathFor(Name, "cells.csv"), cells.ToString());
        Csv.Write(context.PathFor(Name, "tests.csv"), tests.ToString());
        Csv.Write(context.PathFor(Name, "tables.md"), md.ToString());
        PlotCurves(context, finalRows, curves);
        double worstFlat = finalRows.Where(r => r.Status == "ok").Max(r => Math.Abs(r.Flatness));
        int diverged = finalRows.Count(r => r.Status != "ok");
        context.Finding(Name, string.Create(CultureInfo.InvariantCulture,
            $"{finalRows.Count} final runs ({diverged} diverged); convergence: largest relative drop of the training loss from the second-last to the last 10% of steps {worstFlat * 100:F2}%."));
    }

    private static string P(double p) => p < 1e-4 ? p.ToString("0.0E+0", CultureInfo.InvariantCulture) : p.ToString("0.0000", CultureInfo.InvariantCulture);

    private void WriteBest(ExperimentContext context, List<Row> tuneRows, Dictionary<string, double> best)
    {
        var csv = new StringBuilder("setting,optimizer,head,lr,val_loss,grid_edge\n");
        foreach (var (cell, lr) in best.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var mine = tuneRows.Where(r => CellKey(r.Setting, r.Optimizer, r.Head) == cell).ToList();
            double[] grid = mine.Select(r => r.LearningRate).Distinct().Order().ToArray();
            var at = mine.Where(r => r.LearningRate == lr).ToList();
            bool edge = lr == grid[0] || lr == grid[^1];
            csv.Append(CultureInfo.InvariantCulture, $"{at[0].Setting},{at[0].Optimizer},{at[0].Head},{lr:R},{at.Average(r => r.ValLoss):R},{(edge ? "yes" : "no")}\n");
        }

        Csv.Write(context.PathFor(Name, "best.csv"), csv.ToString());
    }

    private void PlotGrid(ExperimentContext context, List<Row> tuneRows)
    {
        var figure = new Figure(TunedSettings.Length, 2) { Title = "learning-rate grid: validation loss (mean over tuning seeds; rates that diverged or ended above 5 left out)" };
        for (int s = 0; s < TunedSettings.Length; s++)
        {
            for (int o = 0; o < Optimizers.Length; o++)
            {
                LineChart chart = figure[s, o];
                chart.Title = $"{TunedSettings[s]}, {Opt(Optimizers[o])}";
                chart.XLabel = "log10 learning rate";
                chart.YLabel = "validation loss";
                chart.LogY = true;
                foreach (Head head in Heads)
                {
                    var points = tuneRows.Where(r => r.Setting == TunedSettings[s] && r.Optimizer == Opt(Optimizers[o]) && r.Head == head.Key)
                        .GroupBy(r => r.LearningRate).Where(g => g.All(r => r.Status == "ok" && double.IsFinite(r.ValLoss)))
                        .OrderBy(g => g.Key).Select(g => (X: Math.Log10(g.Key), Y: g.Average(r => r.ValLoss))).Where(p => p.Y <= 5).ToList();
                    if (points.Count > 0)
                    {
                        chart.AddLine(head.Key, points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), color: Palette.Category(Array.IndexOf(Heads, head)));
                    }
                }
            }
        }

        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "lr-tuned-grid.png"));
    }

    private void PlotCurves(ExperimentContext context, List<Row> finalRows, RunTable curves)
    {
        var figure = new Figure(Settings.Length, 2) { Title = "fresh seeds at each head's tuned learning rate: training loss (mean and min-max over seeds)" };
        for (int s = 0; s < Settings.Length; s++)
        {
            for (int o = 0; o < Optimizers.Length; o++)
            {
                LineChart chart = figure[s, o];
                chart.Title = $"{Settings[s]}, {Opt(Optimizers[o])}";
                chart.XLabel = "step";
                chart.YLabel = "training loss";
                chart.LogX = true;
                chart.LogY = true;
                foreach (Head head in Heads)
                {
                    var runs = finalRows.Where(r => r.Setting == Settings[s] && r.Optimizer == Opt(Optimizers[o]) && r.Head == head.Key && r.Status == "ok")
                        .Select(r => curves.Rows(r.Id).ToList()).Where(c => c.Count > 0).ToList();
                    if (runs.Count == 0)
                    {
                        continue;
                    }

                    double[] x = runs[0].Select(f => double.Parse(f[1], CultureInfo.InvariantCulture)).ToArray();
                    var y = runs.Select(c => (IReadOnlyList<double>)c.Select(f => double.Parse(f[2], CultureInfo.InvariantCulture)).ToArray()).ToArray();
                    chart.AddRuns($"{head.Key} (lr {finalRows.First(r => r.Setting == Settings[s] && r.Optimizer == Opt(Optimizers[o]) && r.Head == head.Key).LearningRate:G2})", x, y,
                        color: Palette.Category(Array.IndexOf(Heads, head)));
                }
            }
        }

        figure.ToCanvas(640, 420).SavePng(context.PathFor(Name, "lr-tuned.png"));
    }

    private sealed record Head(string Key, string Spec);

    private sealed record Planned(string Id, string Setting, OptimizerKind Optimizer, Head Head, double? LearningRate, int Seed);

    private sealed record LongBudget(string Setting, int Factor, int Seeds, string[] Heads);

    private sealed record Sizes(int TuneSeeds, int FinalSeeds, int HeadSteps, int BackboneSteps, int GridEvery, int HeadImageSize, int BackboneImageSize, int HeadTrainCount, int BackboneTrainCount, int EvalCount);

    private sealed record Row(string Id, string Setting, string Optimizer, string Head, double LearningRate, int Seed, string Status,
        double TrainLossArea, double TrainLossFinal, double Flatness, double ValLoss, double ValMeanIoU, double TestLoss, double TestMeanIoU, double HalfValMeanIoU)
    {
        public static Row Parse(string[] f)
        {
            double D(int i) => double.Parse(f[i], CultureInfo.InvariantCulture);
            return new Row(f[0], f[1], f[2], f[3], D(4), int.Parse(f[5], CultureInfo.InvariantCulture), f[7], D(8), D(9), D(10), D(11), D(12), D(13), D(14), D(15));
        }
    }
}
