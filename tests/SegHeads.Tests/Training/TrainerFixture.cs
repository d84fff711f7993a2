using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Models;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

/// <summary>The tiny model and data the trainer tests share.</summary>
internal static class TrainerFixture
{
    public static readonly EncoderDecoderOptions Tiny = new() { Depth = 2, BaseWidth = 4 };

    public static InMemoryDataset Data() => ToyShapes.Generate(new ToyShapesOptions { Count = 16, ImageSize = 16, NumClasses = 3, Seed = 3 });

    public static SegmentationModel NewModel(long seed = 0)
    {
        manual_seed(seed);
        return SegmentationModel.Create("stacked-linear:3-1@8", 3, Tiny);
    }

    public static string NewFolder() => Directory.CreateTempSubdirectory("segheads-trainer-").FullName;
}
