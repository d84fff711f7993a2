using System.Globalization;
using System.Text.Json;
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Metrics;
using SegHeads.Models;
using SegHeads.Training;
using SegHeads.Cli;
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
        // NOTE: an unusable --out must fail now, not after the whole run.
        string output = OutputFolder.Require(settings.Out, "--out");

        var shapes = new ToyShapesOptions { ImageSize = settings.ImageSize, NumClasses = settings.Classes };
        using InMemoryDataset train = ToyShapes.Generate(shapes with { Count = settings.TrainCount, Seed = (settings.Seed * 2) + 1 });
        using InMemoryDataset validation = ToyShapes.Generate(shapes with { Count = settings.ValCount, Seed = (settings.Seed * 2) + 2 });
        using SegmentationModel model = SegmentationModel.Create(settings.Head, settings.Classes,
            new EncoderDecoderOptions { BaseWidth = settings.BaseWidth, Depth = settings.Depth });
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
        };
        using var trainer = new Trainer(model, options);

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]SegHeads ToyTrain[/]: head [cyan]{model.Head.Spec}[/], {train.Count} training images of {settings.ImageSize}x{settings.ImageSize}, {settings.Classes} classes, {options.Optimizer} lr {options.LearningRate}, {(options.Precision == Precision.BFloat16Mixed ? "bf16 mixed precision" : "fp32")}, {get_num_threads()} threads");

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
        PrintTable(final, settings.Classes);
        Outputs.WriteHistoryCsv(Path.Combine(output, "history.csv"), history);
        Outputs.WriteMetricsJson(Path.Combine(output, "metrics.json"), final, history, model.Head.Spec.ToString());
        Outputs.PlotCurves(Path.Combine(output, "curves.png"), history, model.Head.Spec.ToString());
        Outputs.PlotPredictions(Path.Combine(output, "predictions.png"), model, validation, count: 4);

        string status = history.Cancelled ? "cancelled" : "done";
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]{status}[/] in {history.Elapsed.TotalSeconds:F1} s: pixel accuracy {final.PixelAccuracy:F4}, mIoU [bold]{final.MeanIoU:F4}[/]. Outputs in {output}");
        return 0;
    }

    private static void PrintTable(SegmentationMetrics metrics, int classes)
    {
        var table = new Table().Title("validation, per class").AddColumns("class", "IoU", "Dice");
        for (int c = 0; c < classes; c++)
        {
            table.AddRow(ToyShapes.ClassNames[c], Format(metrics.IoU[c]), Format(metrics.Dice[c]));
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
