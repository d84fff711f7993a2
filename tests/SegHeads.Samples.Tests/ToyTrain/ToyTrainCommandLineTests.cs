using SegHeads.Cli;
using SegHeads.Samples.ToyTrain;

namespace SegHeads.Samples.Tests.ToyTrain;

/// <summary>ToyTrain's command line fails before any work on every bad input, with one line and a non-zero exit code.</summary>
public sealed class ToyTrainCommandLineTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-toytrain-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(new[] { "--stepz", "5" }, "Did you mean '--steps'?")]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "stray" }, "Unexpected argument 'stray'")]
    [InlineData(new[] { "--head", "stacked-linear:3-3-1@99999999" }, "is not a head spec*width*99999999")]
    [InlineData(new[] { "--head", "stacked-linear:31-31-31-1@16384" }, "would have*parameters*limit")]
    [InlineData(new[] { "--head", "stacked-linear+pad-once+pad-each" }, "contradict")]
    [InlineData(new[] { "--steps", "0" }, "--steps must be positive")]
    public void Run_BadCommandLine_ExitsWithUsageCodeBeforeWritingAnything(string[] args, string message)
    {
        string output = Path.Combine(folder, "out");
        using var error = new StringWriter();

        int code = CliHost.Run<TrainCommand, TrainSettings>([.. args, "--out", output], "ToyTrain", error: error);

        code.Should().Be(CliHost.UsageExitCode);
        error.ToString().Should().Match($"*{message}*");
        error.ToString().Should().NotContain("   at ", "no stack trace reaches the user");
        Directory.Exists(output).Should().BeFalse("nothing runs before the command line is valid");
    }

    [Fact]
    public void Run_OutputUnderAFile_FailsWithOneLineBeforeTraining()
    {
        string file = Path.Combine(folder, "file");
        File.WriteAllText(file, "x");
        using var error = new StringWriter();

        int code = CliHost.Run<TrainCommand, TrainSettings>(["--steps", "5", "--out", Path.Combine(file, "run")], "ToyTrain", error: error);

        code.Should().Be(CliHost.FailureExitCode);
        error.ToString().Should().Contain("Cannot write to the output folder").And.Contain("Nothing was run");
        error.ToString().Trim().Split('\n').Should().ContainSingle();
    }
}
