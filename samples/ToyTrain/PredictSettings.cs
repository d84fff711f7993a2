using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Command-line options of <c>ToyTrain predict</c>.</summary>
internal sealed class PredictSettings : CommandSettings
{
    [CommandOption("--images <DIR>")]
    [Description("Folder of images (PNG, JPEG, BMP; other files are skipped) to segment.")]
    public string? Images { get; init; }

    [CommandOption("--run <DIR>")]
    [Description("A ToyTrain output folder: model.json, classes.json and checkpoint.ckpt.")]
    [DefaultValue("out/toytrain")]
    public string Run { get; init; } = "out/toytrain";

    [CommandOption("--checkpoint <PATH>")]
    [Description("Checkpoint to load instead of RUN/checkpoint.ckpt.")]
    public string? Checkpoint { get; init; }

    [CommandOption("--out <DIR>")]
    [Description("Output folder: masks/ (palette PNGs, index = class), overlays/ and contact-sheet.png.")]
    [DefaultValue("out/predict")]
    public string Out { get; init; } = "out/predict";

    [CommandOption("--sheet-count <N>")]
    [Description("Images shown in the contact sheet (the first N by name).")]
    [DefaultValue(16)]
    public int SheetCount { get; init; } = 16;

    [CommandOption("--threads <N>")]
    [Description("Torch intra-op threads (default: all cores).")]
    public int? Threads { get; init; }

    public override ValidationResult Validate() =>
        Images is null ? ValidationResult.Error("--images is required: the folder of images to segment.")
        : !Directory.Exists(Images) ? ValidationResult.Error($"--images folder '{Images}' not found.")
        : !Directory.Exists(Run) ? ValidationResult.Error($"--run folder '{Run}' not found: give a ToyTrain output folder.")
        : SheetCount <= 0 ? ValidationResult.Error($"--sheet-count must be positive, but was {SheetCount}.")
        : Threads is <= 0 ? ValidationResult.Error($"--threads must be positive, but was {Threads}.")
        : ValidationResult.Success();
}
