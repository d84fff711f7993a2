using SegHeads.Cli;
using SegHeads.Samples.ToyTrain;
using SkiaSharp;

namespace SegHeads.Samples.Tests.ToyTrain;

/// <summary>The file-based path of ToyTrain end to end: export-toy, --validate, --data training and predict, all offline.</summary>
public sealed class ToyTrainDataTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-toytrain-data-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData("folder")]
    [InlineData("voc")]
    public void ExportToy_ThenTrainFromFiles_ThenPredict_WritesMasksOverlaysAndContactSheet(string layout)
    {
        string data = Path.Combine(folder, "data"), run = Path.Combine(folder, "run"), predicted = Path.Combine(folder, "predict");
        Export(data, layout).Should().Be(0);
        Train(["--data", data, "--validate"]).Should().Be(0);
        Train(["--data", data, "--steps", "3", "--eval-every", "3", "--loss", "ce+dice", "--out", run]).Should().Be(0);
        foreach (string file in new[] { "checkpoint.ckpt", "model.json", "classes.json", "metrics.json", "predictions.png" })
        {
            File.Exists(Path.Combine(run, file)).Should().BeTrue(file);
        }

        string images = layout == "voc" ? Path.Combine(data, "JPEGImages") : Path.Combine(data, "val", "images");
        int count = Directory.GetFiles(images).Length;
        Predict(["--images", images, "--run", run, "--out", predicted, "--threads", "1"]).Should().Be(0);

        Directory.GetFiles(Path.Combine(predicted, "masks"), "*.png").Should().HaveCount(count);
        Directory.GetFiles(Path.Combine(predicted, "overlays"), "*.png").Should().HaveCount(count);
        using SKBitmap sheet = SKBitmap.Decode(Path.Combine(predicted, "contact-sheet.png"));
        int scale = 96 / 16;
        sheet.Width.Should().Be(((2 * 16) + 2) * scale, "two cells of 16 pixels (image | overlay), upscaled");
        sheet.Height.Should().Be(((Math.Min(count, 16) * 18) - 2) * scale);
    }

    [Fact]
    public void Validate_BadFiles_ExitsWithFailureWithoutTraining()
    {
        string data = Path.Combine(folder, "data"), run = Path.Combine(folder, "run");
        Export(data, "folder").Should().Be(0);
        string masks = Path.Combine(data, "train", "masks");
        File.Delete(Directory.GetFiles(masks).Order(StringComparer.Ordinal).First());
        File.WriteAllText(Path.Combine(data, "val", "images", "notes.txt"), "stray");

        Train(["--data", data, "--validate", "--out", run]).Should().Be(CliHost.FailureExitCode);
        Directory.Exists(run).Should().BeFalse("--validate never trains");
    }

    [Fact]
    public void Train_OnVocMiniFixture_WithResize_IgnoresTheBorderAndRuns()
    {
        string run = Path.Combine(folder, "run");
        Train(["--data", VocMini(), "--resize", "16", "--steps", "2", "--eval-every", "2", "--loss", "focal", "--out", run]).Should().Be(0);
        File.ReadAllText(Path.Combine(run, "classes.json")).Should().Contain("tvmonitor");
    }

    [Fact]
    public void Train_AugmentedFromFiles_WithOnnx_ExportsACheckableModel()
    {
        string data = Path.Combine(folder, "data"), run = Path.Combine(folder, "run");
        Export(data, "folder").Should().Be(0);
        string onnx = Path.Combine(run, "model.onnx");
        Train(["--data", data, "--augment", "--crop", "16", "--steps", "3", "--eval-every", "3", "--onnx", onnx, "--out", run]).Should().Be(0);

        File.Exists(Path.Combine(run, "metrics.json")).Should().BeTrue();
        byte[] model = File.ReadAllBytes(onnx);
        model.Length.Should().BeGreaterThan(1000);
        System.Text.Encoding.ASCII.GetString(model).Should().Contain("segheads.head", "the export carries the head spec in its metadata");
    }

    [Theory]
    [InlineData(new[] { "--crop", "16" }, "--crop needs --augment")]
    [InlineData(new[] { "--augment", "--crop", "0" }, "--crop must be positive")]
    [InlineData(new[] { "--loss", "bogus" }, "--loss must be ce, dice, focal or ce+dice")]
    [InlineData(new[] { "--validate" }, "need --data")]
    [InlineData(new[] { "--data", "/nonexistent-segheads" }, "not found")]
    public void Run_BadDataOptions_ExitWithUsageCode(string[] args, string message)
    {
        using var error = new StringWriter();
        CliHost.Run<TrainCommand, TrainSettings>([.. args, "--out", Path.Combine(folder, "out")], "ToyTrain", error: error).Should().Be(CliHost.UsageExitCode);
        error.ToString().Should().Contain(message);
    }

    private static int Export(string dir, string layout) =>
        CliHost.Run<ExportToyCommand, ExportToySettings>(["--out", dir, "--layout", layout, "--train-count", "12", "--val-count", "5", "--image-size", "16"], "ToyTrain export-toy");

    private static int Train(string[] args) =>
        CliHost.Run<TrainCommand, TrainSettings>([.. args, "--threads", "1", "--base-width", "8", "--batch-size", "2"], "ToyTrain");

    private static int Predict(string[] args) => CliHost.Run<PredictCommand, PredictSettings>(args, "ToyTrain predict");

    private static string VocMini()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SegHeads.sln")))
            {
                return Path.Combine(dir.FullName, "tests", "SegHeads.Imaging.Tests", "Fixtures", "voc-mini");
            }
        }

        throw new DirectoryNotFoundException("SegHeads.sln not found.");
    }
}
