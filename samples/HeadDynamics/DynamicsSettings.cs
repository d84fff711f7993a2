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

    [CommandOption("--shard <K/N>")]
    [Description("Run only shard K of N of a sharded experiment's runs (run i goes to shard (i mod N) + 1); see --list with --experiment.")]
    public string? Shard { get; init; }

    [CommandOption("--runs <PREFIXES>")]
    [Description("Run only the runs of the stage whose ID starts with one of the comma-separated PREFIXES (see --list), e.g. to add or redo a part; merge the output folder with the other shards'.")]
    public string? Runs { get; init; }

    [CommandOption("--stage <STAGE>")]
    [Description("Stage of a sharded experiment to run (lr-tuned: tune, then final). Default: every stage (unsharded only).")]
    public string? Stage { get; init; }

    [CommandOption("--stages-from <DIR>")]
    [Description("Folder with the merged results of the earlier stages (for --stage final). Default: --out.")]
    public string? StagesFrom { get; init; }

    [CommandOption("--merge <DIR>")]
    [Description("Merge the outputs of shard folders (repeat the option) into --out and analyse them.")]
    public string[]? Merge { get; init; }

    public override ValidationResult Validate() =>
        Seeds is <= 0 ? ValidationResult.Error($"--seeds must be positive, but was {Seeds}.")
        : Threads <= 0 ? ValidationResult.Error($"--threads must be positive, but was {Threads}.")
        : (Shard is not null || Stage is not null || Merge is not null || Runs is not null) && Experiment == "all"
            ? ValidationResult.Error("--shard, --stage, --runs and --merge work on one sharded experiment: add --experiment NAME (e.g. lr-tuned).")
        : Shard is not null && Stage is null
            ? ValidationResult.Error("--shard needs --stage (shard one stage at a time, merge it, then run the next stage's shards).")
        : Runs is not null && Stage is null
            ? ValidationResult.Error("--runs needs --stage (it selects runs of one stage).")
        : Runs is not null && string.IsNullOrWhiteSpace(Runs.Replace(",", string.Empty, StringComparison.Ordinal))
            ? ValidationResult.Error($"--runs needs at least one run-ID prefix (comma-separated), but was '{Runs}'.")
        : Merge is not null && (Shard is not null || Stage is not null || Runs is not null)
            ? ValidationResult.Error("--merge cannot be combined with --shard, --stage or --runs.")
        : ValidationResult.Success();
}
