using SegHeads.Cli;
using SegHeads.Samples.ToyTrain;

// Two extra commands are dispatched here so that each keeps CliHost's checks of its own options.
if (args.Length > 0 && args[0] == "export-toy")
{
    // export-toy DIR [options]: the folder may come first, as an argument.
    string[] rest = args.Length > 1 && !args[1].StartsWith('-') ? ["--out", .. args[1..]] : args[1..];
    return CliHost.Run<ExportToyCommand, ExportToySettings>(rest, "ToyTrain export-toy");
}

if (args.Length > 0 && args[0] == "predict")
{
    return CliHost.Run<PredictCommand, PredictSettings>(args[1..], "ToyTrain predict", config =>
        config.AddExample("--images", "data/images", "--run", "out/toytrain", "--out", "out/predict"));
}

return CliHost.Run<TrainCommand, TrainSettings>(args, "ToyTrain", config =>
{
    config.AddExample("--head", "linear", "--steps", "1000");
    config.AddExample("--head", "activated:3-3-1@32+bn", "--out", "out/activated");
    config.AddExample("--data", "data/toy", "--loss", "ce+dice");
    config.AddExample("--data", "data/voc", "--split", "train", "--val-split", "val", "--resize", "64");
});
