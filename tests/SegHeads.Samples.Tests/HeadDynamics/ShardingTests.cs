using SegHeads.Cli;
using SegHeads.Samples.HeadDynamics;
using SegHeads.Samples.HeadDynamics.Sharding;
using SegHeads.Tests.Infrastructure;

namespace SegHeads.Samples.Tests.HeadDynamics;

// NOTE: other sample tests run commands in-process that set torch's global thread count; a
// different count between the unsharded and the sharded runs changes the last digits.
[Collection(NonParallelGroup.Name)]
public sealed class ShardingTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "segheads-shard-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1/0")]
    [InlineData("2")]
    [InlineData("a/b")]
    public void Parse_BadShard_ThrowsWithTheText(string text)
    {
        Action act = () => ShardSpec.Parse(text);

        act.Should().Throw<ArgumentException>().WithMessage($"*K/N*'{text}'*");
    }

    [Fact]
    public void Contains_ThreeShards_DealEveryRunToExactlyOneShard()
    {
        ShardSpec[] shards = [ShardSpec.Parse("1/3"), ShardSpec.Parse("2/3"), ShardSpec.Parse("3/3")];

        for (int i = 0; i < 20; i++)
        {
            shards.Count(s => s.Contains(i)).Should().Be(1);
        }

        shards[1].Contains(4).Should().BeTrue();
    }

    [Fact]
    public void Add_SameRunTwice_ThrowsNamingTheRun()
    {
        var table = new RunTable("run,x");
        table.Add("a/1", ["a/1,0.5"]);

        Action act = () => table.Add("a/1", ["a/1,0.5"]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*'a/1' appears twice*");
    }

    [Fact]
    public void Merge_ThreeShardsOfTwoStages_GivesTheUnshardedBytes()
    {
        string whole = Path.Combine(root, "whole");
        Run("--quick", "--experiment", "lr-tuned", "--out", whole).Should().Be(0);

        string merged = Path.Combine(root, "merged");
        var folders = new List<string>();
        foreach (string stage in new[] { "tune", "final" })
        {
            for (int k = 1; k <= 3; k++)
            {
                string folder = Path.Combine(root, $"{stage}-{k}");
                folders.Add(folder);
                Run("--quick", "--experiment", "lr-tuned", "--stage", stage, "--shard", $"{k}/3", "--stages-from", merged, "--out", folder).Should().Be(0);
            }

            Run(["--quick", "--experiment", "lr-tuned", "--out", merged, .. folders.SelectMany(f => new[] { "--merge", f })]).Should().Be(0);
        }

        ShouldMatch(merged, whole);
    }

    [Fact]
    public void Merge_PartsSelectedByRunPrefix_GiveTheUnshardedBytes()
    {
        // How a budget added later is run without redoing the rest: its runs alone (--runs, one
        // prefix or several), merged with the folders that hold the others.
        string whole = Path.Combine(root, "whole");
        Run("--quick", "--experiment", "lr-tuned", "--out", whole).Should().Be(0);
        string merged = Path.Combine(root, "merged");
        string tune = Path.Combine(root, "tune");
        Run("--quick", "--experiment", "lr-tuned", "--stage", "tune", "--out", tune).Should().Be(0);
        Run("--quick", "--experiment", "lr-tuned", "--merge", tune, "--out", merged).Should().Be(0);
        (string Prefix, string Shard, string Folder)[] parts =
        [
            ("final/head-alone/sgd/,final/head-alone/adam/", "1/2", Path.Combine(root, "head-1")),
            ("final/head-alone/", "2/2", Path.Combine(root, "head-2")),
            ("final/backbone", "1/1", Path.Combine(root, "backbone")),
        ];
        foreach (var (prefix, shard, folder) in parts)
        {
            Run("--quick", "--experiment", "lr-tuned", "--stage", "final", "--runs", prefix, "--shard", shard, "--stages-from", merged, "--out", folder).Should().Be(0);
        }

        File.ReadAllText(Path.Combine(root, "backbone", "lr-tuned", "final.csv")).Should().NotContain("head-alone");
        Run(["--quick", "--experiment", "lr-tuned", "--out", merged, "--merge", tune, .. parts.SelectMany(p => new[] { "--merge", p.Folder })]).Should().Be(0);
        ShouldMatch(merged, whole);
    }

    [Fact]
    public void Runs_WithoutStage_FailsWithTheReason()
    {
        using var error = new StringWriter();

        int code = CliHost.Run<DynamicsCommand, DynamicsSettings>(["--experiment", "lr-tuned", "--runs", "final/backbone"], "HeadDynamics", error: error);

        code.Should().NotBe(0);
        error.ToString().Should().Contain("--runs needs --stage");
    }

    [Fact]
    public void Runs_WithOnlyCommas_FailsWithTheReason()
    {
        using var error = new StringWriter();

        int code = CliHost.Run<DynamicsCommand, DynamicsSettings>(["--experiment", "lr-tuned", "--stage", "final", "--runs", " , "], "HeadDynamics", error: error);

        code.Should().NotBe(0);
        error.ToString().Should().Contain("--runs needs at least one run-ID prefix").And.Contain("' , '");
    }

    [Fact]
    public void Shard_WithoutStage_FailsWithTheReason()
    {
        using var error = new StringWriter();

        int code = CliHost.Run<DynamicsCommand, DynamicsSettings>(["--experiment", "lr-tuned", "--shard", "1/2"], "HeadDynamics", error: error);

        code.Should().NotBe(0);
        error.ToString().Should().Contain("--shard needs --stage");
    }

    public void Dispose()
    {
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void ShouldMatch(string merged, string whole)
    {
        foreach (string file in new[] { "tuning.csv", "final.csv", "curves.csv", "best.csv", "cells.csv", "tests.csv", "tables.md", "findings.md" })
        {
            byte[] expected = File.ReadAllBytes(Path.Combine(whole, "lr-tuned", file));
            File.ReadAllBytes(Path.Combine(merged, "lr-tuned", file)).Should().Equal(expected, $"merged {file} must equal the unsharded one");
        }

        File.ReadAllLines(Path.Combine(merged, "lr-tuned", "final.csv")).Length.Should().BeGreaterThan(10);
    }

    private static int Run(params string[] args)
    {
        using var error = new StringWriter();
        int code = CliHost.Run<DynamicsCommand, DynamicsSettings>(args, "HeadDynamics", error: error);
        return code == 0 ? 0 : throw new InvalidOperationException($"exit {code}: {error}");
    }
}
