using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Command-line options of <c>ToyTrain export-toy DIR</c>; the data options default to the training run's, so the files hold the same samples.</summary>
internal sealed class ExportToySettings : CommandSettings
{
    [CommandOption("--out <DIR>")]
    [Description("Folder to write (also given as the first argument: export-toy DIR).")]
    public string? Out { get; init; }

    [CommandOption("--layout <LAYOUT>")]
    [Description("folder: DIR/train and DIR/val, each images/ + masks/ + classes.json (PNG). voc: one VOC root with train and val splits.")]
    [DefaultValue("folder")]
    public string Layout { get; init; } = "folder";

    [CommandOption("--image-format <FORMAT>")]
    [Description("VOC images: jpeg (quality 95, 4:4:4, as VOC's JPEGImages; lossy) or png (exact). The folder layout always writes PNG.")]
    [DefaultValue("jpeg")]
    public string ImageFormat { get; init; } = "jpeg";

    [CommandOption("--image-size <PIXELS>")]
    [DefaultValue(48)]
    public int ImageSize { get; init; } = 48;

    [CommandOption("--classes <K>")]
    [DefaultValue(4)]
    public int Classes { get; init; } = 4;

    [CommandOption("--train-count <N>")]
    [DefaultValue(4096)]
    public int TrainCount { get; init; } = 4096;

    [CommandOption("--val-count <N>")]
    [DefaultValue(128)]
    public int ValCount { get; init; } = 128;

    [CommandOption("--seed <N>")]
    [DefaultValue(0)]
    public int Seed { get; init; }

    public override ValidationResult Validate() =>
        Out is null ? ValidationResult.Error("export-toy needs a folder: export-toy DIR.")
        : Layout.ToLowerInvariant() is not ("folder" or "voc") ? ValidationResult.Error($"--layout must be folder or voc, but was '{Layout}'.")
        : ImageFormat.ToLowerInvariant() is not ("jpeg" or "png") ? ValidationResult.Error($"--image-format must be jpeg or png, but was '{ImageFormat}'.")
        : Classes is < 2 or > 6 ? ValidationResult.Error($"--classes must be 2..6, but was {Classes}.")
        : ImageSize <= 0 || TrainCount <= 0 || ValCount <= 0 ? ValidationResult.Error("--image-size, --train-count and --val-count must be positive.")
        : ValidationResult.Success();
}
