using System.Diagnostics;
using System.Globalization;
using SegHeads.Samples.HeadDynamics.Experiments;
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
    ];

    protected override int Execute(CommandContext context, DynamicsSettings settings, CancellationToken cancellationToken)
    {
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
        using var experimentContext = new ExperimentContext(output, settings.Quick, settings.Seeds ?? (settings.Quick ? 2 : 5),
            line => AnsiConsole.WriteLine(line));
        var total = Stopwatch.StartNew();
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
        AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture,
            $"[green]done[/] in {total.Elapsed.TotalSeconds:F1} s; outputs in {output} (summary.csv, findings.md, one folder per experiment)");
        return 0;
    }
}
