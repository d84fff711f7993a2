using SegHeads.Cli;
using SegHeads.Samples.HeadDynamics;

namespace SegHeads.Samples.Tests.HeadDynamics;

public sealed class HeadDynamicsCommandLineTests
{
    [Theory]
    [InlineData(new[] { "--qiuck" }, 2, "Did you mean '--quick'?")]
    [InlineData(new[] { "--experiment", "matched-strat", "--out", "/nonexistent-segheads/x" }, 1, "Did you mean 'matched-start'?")]
    [InlineData(new[] { "--seeds", "0" }, 2, "--seeds must be positive")]
    public void Run_BadCommandLine_FailsWithSuggestionAndNoStackTrace(string[] args, int expectedCode, string message)
    {
        using var error = new StringWriter();

        int code = CliHost.Run<DynamicsCommand, DynamicsSettings>(args, "HeadDynamics", error: error);

        code.Should().Be(expectedCode);
        error.ToString().Should().Contain(message).And.NotContain("   at ");
    }
}
