using System.Diagnostics;
using System.Reflection;
using SegHeads.Backbones;
using SegHeads.Models;
using SegHeads.Training;
using Xunit.Abstractions;

namespace SegHeads.Tests.Training;

public sealed class CheckpointKillTests(ITestOutputHelper output) : IDisposable
{
    // NOTE: wide enough that a checkpoint (weights + Adam state) is several MB, so a kill often
    // lands while a save is writing; the child and the test build the model from these values.
    private const string HeadSpec = "stacked-linear:3-3-1@32";
    private const int BaseWidth = 32;
    private const int Depth = 3;
    private const int Kills = 10;

    private readonly string folder = Directory.CreateTempSubdirectory("segheads-kill-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Save_ProcessKilledAtRandomMoments_AlwaysLeavesALoadableCheckpointAndAtMostOneTemporaryFile()
    {
        string path = Path.Combine(folder, "run.ckpt");
        string temp = Checkpoint.TemporaryPath(path);
        var moments = new Random(20261125);
        int staleTemps = 0;
        var clock = Stopwatch.StartNew();
        for (int kill = 0; kill < Kills; kill++)
        {
            // Even kills: a random moment after the first save. Odd kills: a random moment after
            // a later save has created its temporary file, so that some kills land mid-write.
            bool duringWrite = kill % 2 == 1;
            int delay = duringWrite ? moments.Next(0, 15) : moments.Next(0, 250);
            using (Process child = StartChild(path))
            {
                await WaitForReady(child);
                if (duringWrite)
                {
                    await WaitForFile(temp, child);
                }

                await Task.Delay(delay);
                child.Kill();
                await child.WaitForExitAsync();
            }

            Directory.GetFiles(folder).Should().BeSubsetOf([path, temp], $"kill {kill} ({delay} ms) may leave only the checkpoint and SegHeads' one temporary file");
            bool left = File.Exists(temp);
            staleTemps += left ? 1 : 0;
            using SegmentationModel fresh = NewModel();
            CheckpointInfo info = Checkpoint.LoadWeights(path, fresh);
            info.Step.Should().BePositive();
            output.WriteLine($"kill {kill} at {clock.ElapsedMilliseconds} ms: {delay} ms after {(duringWrite ? "a temporary file appeared" : "the first save")}, checkpoint at step {info.Step}, temporary file left: {left}");
        }

        output.WriteLine($"{staleTemps} of {Kills} kills interrupted a save.");
    }

    private static SegmentationModel NewModel() =>
        SegmentationModel.Create(HeadSpec, 3, new EncoderDecoderOptions { BaseWidth = BaseWidth, Depth = Depth });

    private static Process StartChild(string checkpoint)
    {
        string dll = typeof(CheckpointKillTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CheckpointKillChild").Value!;
        File.Exists(dll).Should().BeTrue($"the test build builds the child program at {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[] { dll, checkpoint, HeadSpec, BaseWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), Depth.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start)!;
    }

    private static async Task WaitForFile(string file, Process child)
    {
        var timeout = Stopwatch.StartNew();
        while (!File.Exists(file) && !child.HasExited && timeout.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(1);
        }
    }

    private static async Task WaitForReady(Process child)
    {
        string? line;
        try
        {
            line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            child.Kill();
            throw;
        }

        if (line != "ready")
        {
            string error = await child.StandardError.ReadToEndAsync();
            line.Should().Be("ready", $"the child should announce its first checkpoint; it wrote to stderr: {error}");
        }
    }
}
