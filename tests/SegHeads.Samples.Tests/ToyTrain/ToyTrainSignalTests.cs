using System.Diagnostics;
using SegHeads.Cli;

namespace SegHeads.Samples.Tests.ToyTrain;

/// <summary>
/// SIGTERM and SIGINT stop a real ToyTrain process after the current step: it writes its outputs
/// and exits with 128 + the signal number. The sample's build output is copied beside this assembly.
/// </summary>
/// <remarks>
/// A shell starts background jobs (<c>cmd &amp;</c> in a script) with SIGINT ignored, the child inherits
/// that, and .NET then never sees SIGINT: run from such a job, the SIGINT case would wait for a
/// 100000-step run. <c>env --default-signal=INT</c> gives the child the disposition of an
/// interactive terminal, which is what the test is about.
/// </remarks>
[Trait("Category", "Slow")]
public sealed class ToyTrainSignalTests : IDisposable
{
    private const int SigInt = 2;
    private const int SigTerm = 15;
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-signal-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Theory]
    [InlineData(SigTerm, StopSignal.TerminateExitCode)]
    [InlineData(SigInt, StopSignal.InterruptExitCode)]
    public async Task Signal_DuringTraining_StopsWithOutputsAndSignalExitCode(int signal, int expectedCode)
    {
        string output = Path.Combine(folder, $"run-{signal}");
        string app = Path.Combine(AppContext.BaseDirectory, "ToyTrain.dll");
        var start = new ProcessStartInfo("env")
        {
            ArgumentList = { "--default-signal=INT", "dotnet", app, "--steps", "100000", "--train-count", "32", "--val-count", "8", "--image-size", "16", "--threads", "1", "--out", output },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        try
        {
            await StopAndCheck(process, signal, expectedCode, output);
        }
        finally
        {
            // NOTE: a failed wait must not leave a 100000-step run behind.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task StopAndCheck(Process process, int signal, int expectedCode, string output)
    {
        var started = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("SegHeads ToyTrain", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        Task first = await Task.WhenAny(started.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        first.Should().BeSameAs(started.Task, "ToyTrain should start training");
        await Task.Delay(1500);
        Kill(process.Id, signal).Should().Be(0);
        process.WaitForExit(60_000).Should().BeTrue("the run should stop after its current step");

        process.ExitCode.Should().Be(expectedCode);
        foreach (string file in new[] { "history.csv", "metrics.json", "curves.png", "checkpoint.ckpt" })
        {
            new FileInfo(Path.Combine(output, file)).Length.Should().BeGreaterThan(0, $"{file} is written even when the run is stopped");
        }
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
        return kill.ExitCode;
    }
}
