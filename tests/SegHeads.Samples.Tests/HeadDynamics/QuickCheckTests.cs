using SegHeads.Samples.HeadDynamics;

namespace SegHeads.Samples.Tests.HeadDynamics;

public sealed class QuickCheckTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "segheads-quick-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void CheckOutputs_ExperimentWithoutFigure_ThrowsNamingExperimentAndWhatIsMissing()
    {
        Directory.CreateDirectory(Path.Combine(root, "good"));
        File.WriteAllText(Path.Combine(root, "good", "runs.csv"), "a\n");
        File.WriteAllText(Path.Combine(root, "good", "good.png"), "x");
        Directory.CreateDirectory(Path.Combine(root, "bad"));
        File.WriteAllText(Path.Combine(root, "bad", "runs.csv"), "a\n");

        Action act = () => DynamicsCommand.CheckOutputs(root, ["good", "bad", "missing"]);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("*bad wrote no PNG*missing wrote no CSV and no PNG*")
            .Which.Message.Should().NotContain("good wrote");
    }

    [Fact]
    public void CheckOutputs_EveryExperimentComplete_DoesNotThrow()
    {
        Directory.CreateDirectory(Path.Combine(root, "good"));
        File.WriteAllText(Path.Combine(root, "good", "runs.csv"), "a\n");
        File.WriteAllText(Path.Combine(root, "good", "good.png"), "x");

        Action act = () => DynamicsCommand.CheckOutputs(root, ["good"]);

        act.Should().NotThrow();
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
