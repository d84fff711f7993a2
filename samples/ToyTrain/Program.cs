using SegHeads.Cli;
using SegHeads.Samples.ToyTrain;

return CliHost.Run<TrainCommand, TrainSettings>(args, "ToyTrain", config =>
{
    config.AddExample("--head", "linear", "--steps", "1000");
    config.AddExample("--head", "activated:3-3-1@32+bn", "--out", "out/activated");
});
