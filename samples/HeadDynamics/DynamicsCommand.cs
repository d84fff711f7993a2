using System.Diagnostics;
using System.Globalization;
using SegHeads.Samples.HeadDynamics.Experiments;
using SegHeads.Samples.HeadDynamics.Sharding;
using SegHeads.Cli;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Runs one experiment or all of them and writes CSV, PNG, summary.csv and findings.md.</summary>
internal sealed class DynamicsCommand : Command<DynamicsSettings>
{
    private static readonly IExperiment[] Experiments =
    [
        new TheoryCheck(),
        new FairControls(),
        new MatchedStart(),
        new HeadsOnBackbone(),
        new LowRank(),
        .. Sweep.All(),
        new ReluLogits(),
        new PreconditioningCheck(),
        new StepSizeSchedule(),

        new TunedComparison(),
    ];

    protected override int Execute(CommandContext context, DynamicsSettings settings, CancellationToken cancellationToken)
    {
        if (settings.List && settings.Experiment != "all")
        {
            IShardedExperiment sharded = RequireSharded(settings.Experiment);
            using var listContext = NewContext(settings, settings.Out);
            var runs = new Table().AddColumns("index", "stage", "run");
            foreach (string stage in sharded.Stages)
            {
                IReadOnlyList<string> ids = sharded.RunIds(listContext, stage);
                for (int i = 0; i < ids.Count; i++)
                {
                    runs.AddRow(i.ToString(CultureInfo.InvariantCulture), stage, Markup.Escape(ids[i]));
                }
            }

            AnsiConsole.Write(runs);
            return 0;
        }

        if (settings.List)
        {
            var table = new Table().AddColumns("experiment", "what it compares");
            foreach (IExperiment e in Experiments)
            {
                table.AddRow(e.Name, Markup.Escape(e.Description));
            }

            AnsiConsole.Write(table);
            return 0;
        }

        IExperiment[] chosen = settings.Experiment == "all"
            ? Experiments
            : Experiments.Where(e => e.Name == settings.Experiment).ToArray();
        if (chosen.Length == 0)
        {
            string nearest = Experiments.Select(e => e.Name).Append("all").MinBy(n => OptionCheck.Distance(n, settings.Experiment))!;
            throw new ArgumentException(
                $"Unknown experiment '{settings.Experiment}'. Did you mean '{nearest}'? Expected all or one of: {string.Join(", ", Experiments.Select(e => e.Name))}.");
        }

        // NOTE: a fixed thread count makes every loss reproducible (1 and 2 threads differ by ~1e-7).
        set_num_threads(settings.Threads);
        string output = OutputFolder.Require(settings.Out, "--out");
        CancellationToken stop = CliHost.Stop?.Token ?? CancellationToken.None;
        using var experimentContext = NewContext(settings, output);
        var total = Stopwatch.StartNew();
        if (settings.Merge is not null)
        {
            IShardedExperiment sharded = RequireSharded(settings.Experiment);
            string[] missing = settings.Merge.Where(d => !Directory.Exists(d)).ToArray();
            if (missing.Length > 0)
            {
                throw new ArgumentException($"--merge: folder(s) not found: {string.Join(", ", missing)}.");
            }

            sharded.Merge(experimentContext, settings.Merge);
            experimentContext.WriteSummary(Experiments.Select(e => e.Name));
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[green]merged[/] {settings.Merge.Length} folders into {output} in {total.Elapsed.TotalSeconds:F1} s");
            return 0;
        }

        if (settings.Stage is not null)
        {
            IShardedExperiment sharded = RequireSharded(settings.Experiment);
            if (!sharded.Stages.Contains(settings.Stage))
            {
                throw new ArgumentException($"--stage: '{settings.Stage}' is not a stage of {sharded.Name}; expected one of: {string.Join(", ", sharded.Stages)}.");
            }
        }

        foreach (IExperiment experiment in chosen)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stop.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[bold]{experiment.Name}[/]: {experiment.Description}");
            experiment.Run(experimentContext);
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"  [grey]{clock.Elapsed.TotalSeconds:F1} s[/]");
        }

        experimentContext.WriteSummary(Experiments.Select(e => e.Name));
        if (settings.Quick && settings.Stage is null)
        {
            CheckOutputs(output, chosen.Select(e => e.Name));
        }

        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[green]done[/] in {total.Elapsed.TotalSeconds:F1} s; outputs in {output} (summary.csv, findings.md, one folder per experiment)");
        return 0;
    }

    /// <summary>Quick mode is CI's smoke test: every experiment must have written at least one CSV and one PNG.</summary>
    internal static void CheckOutputs(string output, IEnumerable<string> experiments)
    {
        var problems = new List<string>();
        foreach (string name in experiments)
        {
            string folder = System.IO.Path.Combine(output, name);
            bool csv = Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.csv").Any(f => new FileInfo(f).Length > 0);
            bool png = Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.png").Any(f => new FileInfo(f).Length > 0);
            if (!csv || !png)
            {
                problems.Add($"{name} wrote {(csv ? "" : "no CSV")}{(!csv && !png ? " and " : "")}{(png ? "" : "no PNG")} in {folder}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Quick check failed: {string.Join("; ", problems)}.");
        }
    }

    private static ExperimentContext NewContext(DynamicsSettings settings, string output) =>
        new(output, settings.Quick, settings.Seeds ?? (settings.Quick ? 2 : 5), line => AnsiConsole.WriteLine(line), settings.Seeds is not null)
        {
            Shard = settings.Shard is null ? ShardSpec.All : ShardSpec.Parse(settings.Shard),
            Stage = settings.Stage,
            RunPrefixes = settings.Runs?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            EarlierStages = settings.StagesFrom,
        };

    private static IShardedExperiment RequireSharded(string name) =>
        Experiments.OfType<IShardedExperiment>().FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException(
            $"'{name}' is not a sharded experiment; --list of runs, --shard, --stage and --merge work on: {string.Join(", ", Experiments.OfType<IShardedExperiment>().Select(e => e.Name))}.");
}
