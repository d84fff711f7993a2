using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SegHeads.Samples.HeadDynamics;

/// <summary>Command-line options of the dynamics experiments.</summary>
internal sealed class DynamicsSettings : CommandSettings
{
    [CommandOption("-e|--experiment <NAME>")]
    [Description("Experiment to run, or 'all' (see --list).")]
    [DefaultValue("all")]
    public string Experiment { get; init; } = "all";

    [CommandOption("--quick")]
    [Description("Smoke run: fewer steps, 2 seeds, smaller data (about a minute for all).")]
    public bool Quick { get; init; }

    [CommandOption("--seeds <N>")]
    [Description("Seeds per configuration (default 5, or 2 with --quick).")]
    public int? Seeds { get; init; }

    [CommandOption("--threads <N>")]
    [Description("Torch intra-op threads. Results are reproducible for a fixed thread count.")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;

    [CommandOption("--out <DIR>")]
    [Description("Output folder: one subfolder per experiment plus summary.csv and findings.md.")]
    [DefaultValue("out/dynamics")]
    public string Out { get; init; } = "out/dynamics";

    [CommandOption("--list")]
    [Description("List the experiments and exit.")]
    public bool List { get; init; }

    public override ValidationResult Validate() =>
        Seeds is <= 0 ? ValidationResult.Error($"--seeds must be positive, but was {Seeds}.")
        : Threads <= 0 ? ValidationResult.Error($"--threads must be positive, but was {Threads}.")
        : ValidationResult.Success();
}
