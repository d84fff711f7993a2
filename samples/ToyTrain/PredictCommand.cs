using System.Globalization;
using SegHeads.Cli;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Writing;
using SegHeads.Models;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Segments a folder of images with a trained run: mask PNGs, colour overlays and one contact sheet.</summary>
internal sealed class PredictCommand : Command<PredictSettings>
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    protected override int Execute(CommandContext context, PredictSettings settings, CancellationToken cancellationToken)
    {
        set_num_threads(settings.Threads ?? Environment.ProcessorCount);
        string output = OutputFolder.Require(settings.Out, "--out");
        (RunInfo info, ClassMap classes) = RunInfo.Load(settings.Run);
        string checkpoint = settings.Checkpoint ?? Path.Combine(settings.Run, "checkpoint.ckpt");
        using SegmentationModel model = info.CreateModel(SizePolicy.PadAndCrop);
        SegHeads.Training.Checkpoint.LoadWeights(checkpoint, model);

        string[] images = Directory.EnumerateFiles(settings.Images!)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase) && !Path.GetFileName(f).StartsWith('.'))
            .Order(StringComparer.Ordinal).ToArray();
        if (images.Length == 0)
        {
            throw new InvalidOperationException($"{settings.Images} holds no .png, .jpg, .jpeg or .bmp images.");
        }

        string masks = Path.Combine(output, "masks"), overlays = Path.Combine(output, "overlays");
        ImageColorMode mode = info.InChannels == 1 ? ImageColorMode.Grayscale : ImageColorMode.Rgb;
        var sheet = new List<(Tensor Image, Tensor Mask, Tensor? Second)>();
        using var sheetScope = NewDisposeScope();
        foreach (string path in images)
        {
            using var scope = NewDisposeScope();
            cancellationToken.ThrowIfCancellationRequested();
            Tensor image = ImageFiles.ReadImage(path, mode);
            Tensor mask = Predictions.Predict(model, image);
            string stem = Path.GetFileNameWithoutExtension(path);
            ImageFiles.WriteMask(mask, Path.Combine(masks, stem + ".png"), classes);
            ImageFiles.WriteImage(MaskRendering.Overlay(image, mask, classes), Path.Combine(overlays, stem + ".png"));
            if (sheet.Count < settings.SheetCount)
            {
                sheet.Add((image.MoveToOuterDisposeScope(), mask.MoveToOuterDisposeScope(), null));
            }
        }

        ContactSheet.Write(Path.Combine(output, "contact-sheet.png"), sheet, classes, scale: Predictions.SheetScale(sheet.Max(r => (int)r.Image.shape[^1])));
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[bold]predicted[/] {images.Length} images with head [cyan]{info.Head}[/] ({classes.Count} classes): masks in {masks}, overlays in {overlays}, contact sheet {Path.Combine(output, "contact-sheet.png")}");
        return 0;
    }
}
