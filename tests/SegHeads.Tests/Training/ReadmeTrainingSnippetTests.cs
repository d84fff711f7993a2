using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Training;

namespace SegHeads.Tests.Training;

public sealed class ReadmeTrainingSnippetTests
{
    [Fact]
    public void Readme_TrainingSnippet_IsTheCodeThisFileCompiles()
    {
        string root = RepositoryRoot();
        string[] snippet = CodeBlockContaining(File.ReadAllLines(Path.Combine(root, "README.md")), "new Trainer(");
        string[] compiled = Meaningful(File.ReadAllLines(Path.Combine(root, "tests", "SegHeads.Tests", "Training", "ReadmeTrainingSnippetTests.cs")));

        snippet.Should().NotBeEmpty();
        int at = 0;
        foreach (string line in snippet)
        {
            int found = Array.IndexOf(compiled, line, at);
            found.Should().BeGreaterThanOrEqualTo(0, $"the README's line '{line}' must appear, in order, in {nameof(ReadmeTrainingSnippet)}");
            at = found + 1;
        }
    }

    private static string[] CodeBlockContaining(string[] readme, string marker)
    {
        var block = new List<string>();
        bool inside = false;
        foreach (string line in readme)
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (inside && block.Any(l => l.Contains(marker, StringComparison.Ordinal)))
                {
                    return Meaningful(block);
                }

                inside = line == "```csharp";
                block.Clear();
            }
            else if (inside)
            {
                block.Add(line);
            }
        }

        return [];
    }

    private static string[] Meaningful(IEnumerable<string> lines) =>
        lines.Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SegHeads.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No SegHeads.sln above {AppContext.BaseDirectory}.");
    }
}

/// <summary>
/// The README's training snippet, verbatim (the README shows it; the test above keeps the two
/// identical, and compiling this file proves the snippet compiles). Never run by the tests: it
/// trains for 2,000 steps.
/// </summary>
internal static class ReadmeTrainingSnippet
{
    public static void Run()
    {
        using var model = SegmentationModel.Create("stacked-linear:3-3-1@64+bn+pad-once", numClasses: 4);
        using var train = ToyShapes.Generate(new ToyShapesOptions { Count = 1024, ImageSize = 48, Seed = 1 });
        using var validation = ToyShapes.Generate(new ToyShapesOptions { Count = 128, ImageSize = 48, Seed = 2 });
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Optimizer = OptimizerKind.AdamW, LearningRate = 3e-3, WeightDecay = 1e-4,
            Schedule = ScheduleKind.Cosine, WarmupSteps = 100, Steps = 2000, BatchSize = 8,
            Loss = new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = 255 }),   // or your own ISegmentationLoss
            CheckpointPath = "out/run.ckpt", CheckpointEvery = 500,   // atomic writes; trainer.LoadCheckpoint resumes exactly
        });

        // Reports arrive on the training thread, in order. (Progress<T> posts them to the thread pool,
        // where they can arrive out of order and even after Fit has returned.)
        var progress = new SynchronousProgress<TrainingProgress>(p => Console.Write($"\rstep {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}"));
        TrainingHistory history = trainer.Fit(train, validation, progress);
        Console.WriteLine($"\nvalidation mIoU {history.FinalMetrics!.MeanIoU:F3}");
    }
}
