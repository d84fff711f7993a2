using SegHeads.Cli;
using SegHeads.Samples.HeadDynamics;

return CliHost.Run<DynamicsCommand, DynamicsSettings>(args, "HeadDynamics", config =>
{
    config.AddExample("--quick", "--out", "out/dynamics-quick");
    config.AddExample("--experiment", "matched-start", "--seeds", "10");
});
