using System.Globalization;
using System.Text.Json;
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Data.Augmentation;
using SegHeads.Metrics;
using SegHeads.Models;
using SegHeads.Onnx;
using SegHeads.Training;
using SegHeads.Cli;
using SegHeads.Imaging.Validation;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Trains a model on generated toy shapes and writes curves, predictions, metrics and a checkpoint.</summary>
internal sealed class TrainCommand : Command<TrainSettings>
{
    protected override int Execute(CommandContext context, TrainSettings settings, CancellationToken cancellationToken)
    {
        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        manual_seed(settings.Seed);
        if (settings.ValidateOnly)
        {
            return ValidateData(settings);
        }

        // NOTE: an unusable --out must fail now, not after the whole run.
        string output = OutputFolder.Require(settings.Out, "--out");

        using DataSource data = settings.Data is null ? DataSource.Generate(settings) : DataSource.Open(settings);
        long? ignoreIndex = (data.Train as ISampleDataset)?.IgnoreIndex;
        AugmentationOptions? augmentation = settings.CreateAugmentation(ignoreIndex, data.Train.Channels);
        // Augmented runs validate on the same output size through the deterministic path (resize, no random op).
        ISegmentationDataset train = augmentation is null ? data.Train : new AugmentedDataset((ISampleDataset)data.Train, augmentation);
        ISegmentationDataset validation = augmentation is null ? data.Validation : new AugmentedDataset((ISampleDataset)data.Validation, augmentation);
        ignoreIndex = augmentation?.IgnoreIndex ?? ignoreIndex;
        int classes = train.NumClasses;
        var runInfo = new RunInfo(settings.Head, classes, train.Channels, settings.BaseWidth, settings.Depth);
        // Files may have any size: pad to the backbone's divisor and crop the logits back (generated data keeps the strict check).
        using SegmentationModel model = runInfo.CreateModel(settings.Data is null ? SizePolicy.Strict : SizePolicy.PadAndCrop);
        runInfo.Save(output, data.Classes);
        var options = new TrainerOptions
        {
            Optimizer = settings.Optimizer,
            LearningRate = settings.LearningRate,
            Schedule = ScheduleKind.Cosine,
            // Warm-up: a tenth of the run, at most 100 steps (the default 2000-step run keeps 100).
            WarmupSteps = (int)Math.Min(100, (settings.Epochs is int epochs ? (long)epochs * Math.Max(1, settings.TrainCount / settings.BatchSize) : settings.Steps) / 10),
            BatchSize = settings.BatchSize,
            Steps = settings.Epochs is null ? settings.Steps : null,
            Epochs = settings.Epochs ?? 1,
            EvaluateEvery = settings.EvaluateEvery,
            Seed = settings.Seed,
            Precision = settings.TrainingPrecision,
            CheckpointPath = Path.Combine(output, "checkpoint.ckpt"),
            CheckpointEvery = 500,
            // Files are decoded (and augmented) ahead on a background thread; generated data is in memory already.
            PrefetchBatches = settings.Data is null ? 0 : 2,
            Loss = settings.CreateLoss(ignoreIndex),
        };
        using var trainer = new Trainer(model, options);

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]SegHeads ToyTrain[/]: head [cyan]{model.Head.Spec}[/], {data.Description}{(augmentation is null ? "" : $", augmented to {augmentation.Height}x{augmentation.Width}")}, {classes} classes, {options.Loss.Name} loss, {options.Optimizer} lr {options.LearningRate}, {(options.Precision == Precision.BFloat16Mixed ? "bf16 mixed precision" : "fp32")}, {get_num_threads()} threads");

        // SIGINT and SIGTERM stop training after the current step; the outputs below are still written.
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CliHost.Stop?.Token ?? CancellationToken.None);

        TrainingHistory history = AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("training", maxValue: options.TotalSteps(train.Count / options.BatchSize));
                var progress = new InlineProgress<TrainingProgress>(p =>
                {
                    task.Value = p.Step;
                    string miou = p.LastEvaluation is null ? "  -  " : p.LastEvaluation.MeanIoU.ToString("F3", CultureInfo.InvariantCulture);
                    task.Description = $"step {p.Step,5}/{p.TotalSteps}  loss {p.Loss,7:F4}  mIoU {miou}";
                });
                return trainer.Fit(train, validation, progress, cancel.Token);
            });

        SegmentationMetrics final = history.FinalMetrics ?? trainer.Evaluate(validation);
        PrintTable(final, data.Classes.Names);
        Outputs.WriteHistoryCsv(Path.Combine(output, "history.csv"), history);
        Outputs.WriteMetricsJson(Path.Combine(output, "metrics.json"), final, history, model.Head.Spec.ToString(), data.Classes.Names);
        Outputs.PlotCurves(Path.Combine(output, "curves.png"), history, model.Head.Spec.ToString());
        if (settings.Onnx is not null)
        {
            OnnxExporter.Export(model, settings.Onnx, new OnnxExportOptions { Outputs = OnnxOutputs.Logits | OnnxOutputs.Probabilities | OnnxOutputs.Mask });
        }

        if (data.Validation is InMemoryDataset generated)
        {
            Outputs.PlotPredictions(Path.Combine(output, "predictions.png"), model, generated, count: 4);
        }
        else
        {
            Predictions.WriteContactSheet(Path.Combine(output, "predictions.png"), model, (ISampleDataset)data.Validation, data.Classes, count: 4);
        }

        string status = history.Cancelled ? "cancelled" : "done";
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{status}[/] in {history.Elapsed.TotalSeconds:F1} s: pixel accuracy {final.PixelAccuracy:F4}, mIoU [bold]{final.MeanIoU:F4}[/], data loading {history.DataWaitFraction:P1} of step time. Outputs in {output}{(settings.Onnx is null ? "" : $"; ONNX model {settings.Onnx}")}");
        return 0;
    }

    private static int ValidateData(TrainSettings settings)
    {
        IReadOnlyList<DatasetProblem> problems = DataSource.Validate(settings);
        foreach (DatasetProblem problem in problems)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]problem:[/] {problem}");
        }

        if (problems.Count > 0)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold red]{problems.Count} problems[/] in {settings.Data}.");
            return CliHost.FailureExitCode;
        }

        using DataSource data = DataSource.Open(settings);
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold green]no problems[/]: {data.Train.Count} training and {data.Validation.Count} validation samples, {data.Train.NumClasses} classes, {data.Train.Channels} channels.");
        return 0;
    }

    private static void PrintTable(SegmentationMetrics metrics, IReadOnlyList<string> names)
    {
        var table = new Table().Title("validation, per class").AddColumns("class", "IoU", "Dice");
        for (int c = 0; c < names.Count; c++)
        {
            table.AddRow(Markup.Escape(names[c]), Format(metrics.IoU[c]), Format(metrics.Dice[c]));
        }

        table.AddRow("[bold]mean[/]", $"[bold]{Format(metrics.MeanIoU)}[/]", $"[bold]{Format(metrics.MeanDice)}[/]");
        AnsiConsole.Write(table);
    }

    private static string Format(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post to the thread pool and reorder reports).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
