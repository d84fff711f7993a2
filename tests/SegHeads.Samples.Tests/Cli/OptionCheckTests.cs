using System.ComponentModel;
using SegHeads.Cli;
using Spectre.Console.Cli;

namespace SegHeads.Samples.Tests.Cli;

public sealed class OptionCheckTests
{
    [Theory]
    [InlineData(new[] { "--stepz", "5" }, "Unknown option '--stepz'. Did you mean '--steps'?")]
    [InlineData(new[] { "--bogus" }, "Unknown option '--bogus'")]
    [InlineData(new[] { "--steps", "5", "-x" }, "Unknown option '-x'")]
    [InlineData(new[] { "stray" }, "Unexpected argument 'stray'")]
    [InlineData(new[] { "--steps", "5", "6" }, "Unexpected argument '6'")]
    public void FindProblem_UnknownOptionOrStrayArgument_NamesItAndTheNearestOption(string[] args, string expected)
    {
        OptionCheck.FindProblem<SampleSettings>(args).Should().StartWith(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("--steps 5 --quick")]
    [InlineData("--steps=5 -o out/x --quick")]
    [InlineData("--out -starts-with-dash")]
    [InlineData("--help")]
    public void FindProblem_KnownOptions_IsNull(string commandLine)
    {
        string[] args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        OptionCheck.FindProblem<SampleSettings>(args).Should().BeNull();
    }

    [Theory]
    [InlineData("steps", "stepz", 1)]
    [InlineData("quick", "qiuck", 2)]
    [InlineData("", "abc", 3)]
    public void Distance_CountsSingleCharacterEdits(string a, string b, int distance)
    {
        OptionCheck.Distance(a, b).Should().Be(distance);
    }

    private sealed class SampleSettings : CommandSettings
    {
        [CommandOption("--steps <N>")]
        [Description("Steps.")]
        public int Steps { get; init; }

        [CommandOption("-o|--out <DIR>")]
        [Description("Output.")]
        public string? Out { get; init; }

        [CommandOption("--quick")]
        [Description("Quick.")]
        public bool Quick { get; init; }
    }
}
