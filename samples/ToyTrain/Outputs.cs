using System.Globalization;
using System.Text;
using System.Text.Json;
using SegHeads.Data;
using SegHeads.Metrics;
using SegHeads.Models;
using SegHeads.Plotting;
using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Turns a training history into files: CSV, JSON and PNG.</summary>
internal static class Outputs
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void WriteHistoryCsv(string path, TrainingHistory history)
    {
        var evaluations = history.Evaluations.ToDictionary(e => e.Step, e => e.Metrics);
        var csv = new StringBuilder("step,epoch,loss,learning_rate,pixel_accuracy,mean_iou\n");
        foreach (StepRecord s in history.Steps)
        {
            evaluations.TryGetValue(s.Step, out SegmentationMetrics? m);
            csv.Append(CultureInfo.InvariantCulture, $"{s.Step},{s.Epoch},{s.Loss:R},{s.LearningRate:R},{m?.PixelAccuracy.ToString("R", CultureInfo.InvariantCulture)},{m?.MeanIoU.ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(csv.ToString()));
    }

    public static void WriteMetricsJson(string path, SegmentationMetrics metrics, TrainingHistory history, string head, IReadOnlyList<string> classNames)
    {
        var document = new
        {
            head,
            steps = history.Steps.Count,
            cancelled = history.Cancelled,
            seconds = Math.Round(history.Elapsed.TotalSeconds, 2),
            pixel_accuracy = metrics.PixelAccuracy,
            mean_accuracy = metrics.MeanAccuracy,
            mean_iou = metrics.MeanIoU,
            mean_dice = metrics.MeanDice,
            per_class_iou = metrics.IoU.Select((v, i) => new { @class = classNames[i], iou = double.IsNaN(v) ? (double?)null : v }),
        };
        AtomicFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, Indented));
    }

    public static void PlotCurves(string path, TrainingHistory history, string head)
    {
        var figure = new Figure(1, 2) { Title = $"ToyTrain: {head}" };
        LineChart loss = figure[0, 0];
        loss.Title = "training loss";
        loss.XLabel = "step (log scale)";
        loss.YLabel = "cross-entropy";
        loss.LogY = true;
        loss.LogX = true;
        double[] steps = history.Steps.Select(s => (double)s.Step).ToArray();
        double[] losses = history.Steps.Select(s => s.Loss).ToArray();
        loss.AddLine("per step", steps, losses, color: new Rgba(170, 190, 220));
        loss.AddLine("moving mean (50)", steps, Smoothing.MovingMean(losses, 50));

        LineChart miou = figure[0, 1];
        miou.Title = "validation mIoU";
        miou.XLabel = "step";
        miou.YLabel = "mIoU";
        miou.YMin = 0;
        miou.YMax = 1;
        miou.AddLine("mIoU", history.Evaluations.Select(e => (double)e.Step).ToArray(), history.Evaluations.Select(e => e.Metrics.MeanIoU).ToArray())
            .Marker = MarkerShape.Circle;
        miou.AddLine("pixel accuracy", history.Evaluations.Select(e => (double)e.Step).ToArray(), history.Evaluations.Select(e => e.Metrics.PixelAccuracy).ToArray(), LineStyle.Dashed);
        figure.ToCanvas(640, 420).SavePng(path);
    }

    public static void PlotPredictions(string path, SegmentationModel model, InMemoryDataset data, int count)
    {
        count = Math.Min(count, data.Count);
        var grid = new ImageGrid("input", "ground truth", "prediction") { Title = $"predictions of {model.Head.Spec}", Scale = 3, ClassNames = ToyShapes.ClassNames };
        using var scope = NewDisposeScope();
        var (images, masks) = data.GetBatch(Enumerable.Range(0, count).Select(i => (long)i).ToArray());
        Tensor predicted = model.Predict(images.to(model.parameters().First().device)).cpu();
        int h = (int)images.shape[2];
        int w = (int)images.shape[3];
        for (int i = 0; i < count; i++)
        {
            float[] rgb = images[i].contiguous().data<float>().ToArray();
            long[] truth = masks[i].contiguous().data<long>().ToArray();
            long[] guess = predicted[i].contiguous().data<long>().ToArray();
            grid.AddRow($"#{i}", ImageTile.Rgb(rgb, h, w, rescale: false), ImageTile.Mask(truth, h, w), ImageTile.Mask(guess, h, w));
        }

        grid.SavePng(path);
    }
}
