using SegHeads.Samples.HeadDynamics;
using Spectre.Console.Cli;

var app = new CommandApp<DynamicsCommand>();
app.Configure(config =>
{
    config.SetApplicationName("HeadDynamics");
    config.AddExample("--quick", "--out", "out/dynamics-quick");
    config.AddExample("--experiment", "matched-start", "--seeds", "10");
});
return app.Run(args);
