using SegHeads.Data.Augmentation;
using System.ComponentModel;
using SegHeads.Heads;
using SegHeads.Training;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Command-line options of the toy training sample.</summary>
internal sealed class TrainSettings : CommandSettings
{
    [CommandOption("--head <SPEC>")]
    [Description("Head spec, e.g. linear, stacked-linear:3-3-1@32, activated:3-3-1@32+bn.")]
    [DefaultValue("stacked-linear:3-3-1@32")]
    public string Head { get; init; } = "stacked-linear:3-3-1@32";

    [CommandOption("--steps <N>")]
    [Description("Training steps (ignored when --epochs is given).")]
    [DefaultValue(2000)]
    public int Steps { get; init; } = 2000;

    [CommandOption("--epochs <N>")]
    [Description("Train for this many epochs instead of --steps.")]
    public int? Epochs { get; init; }

    [CommandOption("--image-size <PIXELS>")]
    [Description("Height and width of the generated images (a multiple of 4 for the default backbone).")]
    [DefaultValue(48)]
    public int ImageSize { get; init; } = 48;

    [CommandOption("--classes <K>")]
    [Description("Classes including background (2..6).")]
    [DefaultValue(4)]
    public int Classes { get; init; } = 4;

    [CommandOption("--train-count <N>")]
    [Description("Generated training images.")]
    [DefaultValue(4096)]
    public int TrainCount { get; init; } = 4096;

    [CommandOption("--val-count <N>")]
    [Description("Generated validation images.")]
    [DefaultValue(128)]
    public int ValCount { get; init; } = 128;

    [CommandOption("--batch-size <N>")]
    [DefaultValue(8)]
    public int BatchSize { get; init; } = 8;

    [CommandOption("--optimizer <NAME>")]
    [Description("sgd, adam or adamw.")]
    [DefaultValue(OptimizerKind.Adam)]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    [CommandOption("--lr <RATE>")]
    [Description("Base learning rate (cosine schedule with warm-up).")]
    [DefaultValue(3e-3)]
    public double LearningRate { get; init; } = 3e-3;

    [CommandOption("--precision <FORMAT>")]
    [Description("fp32, or bf16: bfloat16 compute with float32 master weights (fast on CPUs with AVX512-BF16 or AMX).")]
    [DefaultValue("fp32")]
    public string Precision { get; init; } = "fp32";

    /// <summary>The trainer's precision for <see cref="Precision"/> (checked by <see cref="Validate"/>).</summary>
    public Precision TrainingPrecision => Precision.ToLowerInvariant() switch
    {
        "bf16" => SegHeads.Training.Precision.BFloat16Mixed,
        _ => SegHeads.Training.Precision.Float32,
    };

    [CommandOption("--seed <N>")]
    [DefaultValue(0)]
    public int Seed { get; init; }

    [CommandOption("--eval-every <N>")]
    [DefaultValue(250)]
    public int EvaluateEvery { get; init; } = 250;

    [CommandOption("--base-width <N>")]
    [Description("Backbone width of the first level (levels double it).")]
    [DefaultValue(16)]
    public int BaseWidth { get; init; } = 16;

    [CommandOption("--depth <N>")]
    [Description("Backbone resolution levels.")]
    [DefaultValue(3)]
    public int Depth { get; init; } = 3;

    [CommandOption("--threads <N>")]
    [Description("Torch intra-op threads (default: all cores). Fix it to reproduce losses exactly.")]
    public int? Threads { get; init; }

    [CommandOption("--data <DIR>")]
    [Description("Train on files instead of generated shapes: a folder with images/, masks/ and classes.json (every 5th sample held out for validation), a folder with train/ and val/ such folders, or a Pascal VOC root (see --split). All samples must share one size, or give --resize. --image-size, --classes, --train-count and --val-count are then ignored.")]
    public string? Data { get; init; }

    [CommandOption("--val-data <DIR>")]
    [Description("Validation data folder (any layout --data accepts) instead of the held-out part or the VOC --val-split.")]
    public string? ValData { get; init; }

    [CommandOption("--split <NAME>")]
    [Description("VOC training split (ImageSets/Segmentation/NAME.txt).")]
    [DefaultValue("train")]
    public string Split { get; init; } = "train";

    [CommandOption("--val-split <NAME>")]
    [Description("VOC validation split.")]
    [DefaultValue("val")]
    public string ValSplit { get; init; } = "val";

    [CommandOption("--resize <PIXELS>")]
    [Description("Resize every --data sample to PIXELSxPIXELS (image bilinear, mask nearest).")]
    public int? Resize { get; init; }

    [CommandOption("--cache")]
    [Description("Keep decoded --data samples in memory after the first epoch.")]
    public bool Cache { get; init; }

    [CommandOption("--validate")]
    [Description("Check every --data file (decode, pair, sizes, mask values), print every problem and exit (1 if any) without training.")]
    public bool ValidateOnly { get; init; }

    [CommandOption("--loss <LOSS>")]
    [Description("ce, dice, focal or ce+dice (equal weights); the data's ignore index is honoured.")]
    [DefaultValue("ce")]
    public string Loss { get; init; } = "ce";

    /// <summary>The loss for <see cref="Loss"/> (checked by <see cref="Validate"/>).</summary>
    public ISegmentationLoss CreateLoss(long? ignoreIndex)
    {
        long ignore = ignoreIndex ?? -100;
        return Loss.ToLowerInvariant() switch
        {
            "dice" => new DiceLoss(new DiceOptions { IgnoreIndex = ignore }),
            "focal" => new FocalLoss(new FocalOptions { IgnoreIndex = ignore }),
            "ce+dice" => new WeightedLossSum((1.0, new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = ignore })), (1.0, new DiceLoss(new DiceOptions { IgnoreIndex = ignore }))),
            _ => new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = ignore }),
        };
    }

    [CommandOption("--augment")]
    [Description("Paired augmentation of the training data (random scale 0.5-2 and crop, flips, 90° rotations, brightness/contrast jitter), seeded by seed, epoch and sample.")]
    public bool Augment { get; init; }

    [CommandOption("--crop <PIXELS>")]
    [Description("Output size of --augment (default: --resize, else --image-size).")]
    public int? Crop { get; init; }

    [CommandOption("--onnx <FILE>")]
    [Description("Also export the trained model to this ONNX file (opset 17, logits, probabilities and mask outputs).")]
    public string? Onnx { get; init; }

    /// <summary>The augmentation of <c>--augment</c> for samples with <paramref name="channels"/> channels, or null without it.</summary>
    public AugmentationOptions? CreateAugmentation(long? ignoreIndex, int channels)
    {
        if (!Augment)
        {
            return null;
        }

        int size = Crop ?? Resize ?? ImageSize;
        return new AugmentationOptions
        {
            Height = size,
            Width = size,
            Seed = Seed,
            IgnoreIndex = ignoreIndex ?? -100,
            MinScale = 0.5,
            MaxScale = 2.0,
            HorizontalFlip = 0.5,
            VerticalFlip = 0.5,
            Rotate90 = true,
            Brightness = 0.2,
            Contrast = 0.2,
            Saturation = channels == 3 ? 0.2 : 0,
        };
    }

    [CommandOption("--out <DIR>")]
    [Description("Output folder for history.csv, metrics.json, curves.png, predictions.png, the checkpoint, and model.json + classes.json for the predict command.")]
    [DefaultValue("out/toytrain")]
    public string Out { get; init; } = "out/toytrain";

    public override ValidationResult Validate()
    {
        if (!HeadSpec.TryParse(Head, out HeadSpec? spec, out string? error))
        {
            return ValidationResult.Error($"--head '{Head}' is not a head spec: {error}. Grammar: {HeadSpec.Grammar}");
        }

        // NOTE: sized before anything is allocated, so a typo such as @99999999 is a message, not a native abort.
        long parameters = spec.EstimateParameters(BaseWidth, Classes);
        if (parameters > HeadFactory.MaxParameters)
        {
            return ValidationResult.Error($"--head '{Head}' would have {parameters:N0} parameters on a backbone of width {BaseWidth}; the limit is {HeadFactory.MaxParameters:N0}.");
        }

        return Steps <= 0 ? ValidationResult.Error($"--steps must be positive, but was {Steps}.")
            : Epochs is <= 0 ? ValidationResult.Error($"--epochs must be positive, but was {Epochs}.")
            : LearningRate <= 0 ? ValidationResult.Error($"--lr must be positive, but was {LearningRate}.")
            : Precision.ToLowerInvariant() is not ("fp32" or "bf16") ? ValidationResult.Error($"--precision must be fp32 or bf16, but was '{Precision}'.")
            : Threads is <= 0 ? ValidationResult.Error($"--threads must be positive, but was {Threads}.")
            : Loss.ToLowerInvariant() is not ("ce" or "dice" or "focal" or "ce+dice") ? ValidationResult.Error($"--loss must be ce, dice, focal or ce+dice, but was '{Loss}'.")
            : Resize is <= 0 ? ValidationResult.Error($"--resize must be positive, but was {Resize}.")
            : Crop is <= 0 ? ValidationResult.Error($"--crop must be positive, but was {Crop}.")
            : Crop is not null && !Augment ? ValidationResult.Error("--crop needs --augment.")
            : Onnx is not null && (Onnx.Length == 0 || Directory.Exists(Onnx)) ? ValidationResult.Error($"--onnx needs a file path, but was '{Onnx}'.")
            : Data is null && (ValidateOnly || ValData is not null || Resize is not null || Cache) ? ValidationResult.Error("--validate, --val-data, --resize and --cache need --data.")
            : Data is not null && !Directory.Exists(Data) ? ValidationResult.Error($"--data folder '{Data}' not found.")
            : ValidationResult.Success();
    }
}
