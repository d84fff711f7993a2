// Trains a small model and writes a checkpoint after every step until it is killed.
// Usage: SegHeads.CheckpointKillChild <checkpoint> <head spec> <base width> <depth>
// Prints "ready" once the first checkpoint is complete, so the parent kills only after that.
using System.Globalization;
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Models;
using SegHeads.Training;
using static TorchSharp.torch;

if (args.Length != 4)
{
    Console.Error.WriteLine($"Expected 4 arguments (checkpoint, head spec, base width, depth), but got {args.Length}.");
    return 2;
}

set_num_threads(1);
var backbone = new EncoderDecoderOptions { BaseWidth = int.Parse(args[2], CultureInfo.InvariantCulture), Depth = int.Parse(args[3], CultureInfo.InvariantCulture) };
using SegmentationModel model = SegmentationModel.Create(args[1], 3, backbone);
using InMemoryDataset data = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 8, NumClasses = 3, Seed = 1 });
using var trainer = new Trainer(model, new TrainerOptions
{
    Steps = 1_000_000, BatchSize = 2, EvaluateEvery = 0, CheckpointPath = args[0], CheckpointEvery = 1,
});
bool announced = false;
trainer.Fit(data, progress: new SynchronousProgress<TrainingProgress>(_ =>
{
    if (!announced)
    {
        announced = true;
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
    }
}));
return 0;
