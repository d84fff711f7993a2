using System.Globalization;
using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Writing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Writes the toy training and validation data to disk, so the --data path runs offline on the same samples.</summary>
internal sealed class ExportToyCommand : Command<ExportToySettings>
{
    protected override int Execute(CommandContext context, ExportToySettings settings, CancellationToken cancellationToken)
    {
        string root = settings.Out!;
        // Same seeds as a training run with the same --seed, so training from the files sees the same samples.
        var shapes = new ToyShapesOptions { ImageSize = settings.ImageSize, NumClasses = settings.Classes };
        using InMemoryDataset train = ToyShapes.Generate(shapes with { Count = settings.TrainCount, Seed = (settings.Seed * 2) + 1 });
        using InMemoryDataset validation = ToyShapes.Generate(shapes with { Count = settings.ValCount, Seed = (settings.Seed * 2) + 2 });
        ClassMap classes = DataSource.ToyClasses(settings.Classes);
        if (settings.Layout.Equals("voc", StringComparison.OrdinalIgnoreCase))
        {
            var options = new VocExportOptions
            {
                ImageFormat = settings.ImageFormat.Equals("png", StringComparison.OrdinalIgnoreCase) ? ExportImageFormat.Png : ExportImageFormat.Jpeg,
            };
            DatasetExporter.ExportVoc(train, root, classes, options with { Split = "train", IdPrefix = "train_" });
            DatasetExporter.ExportVoc(validation, root, classes, options with { Split = "val", IdPrefix = "val_" });
        }
        else
        {
            DatasetExporter.ExportFolder(train, Path.Combine(root, "train"), classes);
            DatasetExporter.ExportFolder(validation, Path.Combine(root, "val"), classes);
        }

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]exported[/] {train.Count} training and {validation.Count} validation images ({settings.Layout} layout) to {root}. Train on them with: ToyTrain --data {root}");
        return 0;
    }
}
