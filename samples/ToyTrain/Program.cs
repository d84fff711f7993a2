using SegHeads.Samples.ToyTrain;
using Spectre.Console.Cli;

var app = new CommandApp<TrainCommand>();
app.Configure(config =>
{
    config.SetApplicationName("ToyTrain");
    config.PropagateExceptions();
    config.AddExample("--head", "linear", "--steps", "1000");
    config.AddExample("--head", "activated:3-3-1@32+bn", "--out", "out/activated");
});

try
{
    return app.Run(args);
}
catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or CommandAppException)
{
    Spectre.Console.AnsiConsole.MarkupLineInterpolated(System.Globalization.CultureInfo.InvariantCulture, $"[red]error:[/] {e.Message}");
    return 1;
}
