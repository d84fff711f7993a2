// A consumer of the SegHeads and SegHeads.Dynamics packages: builds a model from a head spec,
// runs it, deploys the collapsed head and checks that both agree, then reads the head's end-to-end
// map and checks Saxe et al.'s closed form at its half time, then writes toy data as PNG files with
// SegHeads.Imaging and reads them back. Exits non-zero on any mismatch.
using SegHeads.Backbones;
using SegHeads.Data;
using SegHeads.Dynamics;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Writing;
using SegHeads.Models;
using SegHeads.Reparam;
using static TorchSharp.torch;

manual_seed(0);
using var model = SegmentationModel.Create("stacked-linear:3-3-1@16+bn+pad-once", numClasses: 4,
    new EncoderDecoderOptions { BaseWidth = 8, Depth = 2 });
model.eval();
using var images = randn(2, 3, 32, 32);
using var logits = model.forward(images);
Console.WriteLine($"logits: [{string.Join(", ", logits.shape)}]");

using ConvKernel kernel = model.Head.Collapse();
Console.WriteLine($"head '{model.Head.Spec}' collapses into one {kernel.KernelSize}x{kernel.KernelSize} conv");

using var deployed = model.ToDeployed();
using var deployedLogits = deployed.forward(images);
double diff = (logits - deployedLogits).abs().max().item<float>();
double scale = logits.abs().max().item<float>();
Console.WriteLine($"max |stacked - deployed| = {diff:E2} (logit scale {scale:F2})");
if (diff > 1e-4 * Math.Max(1, scale))
{
    Console.Error.WriteLine("FAIL: the deployed model differs from the stacked one.");
    return 1;
}

EndToEndSnapshot map = EndToEndMap.Capture(model.Head);
Console.WriteLine($"end-to-end map: {map.KernelSize}x{map.KernelSize}, effective rank {map.EffectiveRank:F2}");
if (map.KernelSize != kernel.KernelSize || EndToEndMap.Distance(map, map) != 0)
{
    Console.Error.WriteLine("FAIL: the end-to-end map does not match the collapsed kernel.");
    return 1;
}

const double s = 2, u0 = 0.01, tau = 50;
double half = SaxeTheory.TwoLayerStrength(s, u0, tau, SaxeTheory.TwoLayerHalfTime(s, u0, tau));
Console.WriteLine($"Saxe two-layer strength at its half time: {half:F6} (target {s / 2})");
if (Math.Abs(half - (s / 2)) > 1e-9)
{
    Console.Error.WriteLine("FAIL: the closed form misses its half time.");
    return 1;
}

string folder = Directory.CreateTempSubdirectory("segheads-consumer-").FullName;
using (InMemoryDataset toy = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 16 }))
{
    DatasetExporter.ExportFolder(toy, folder, ClassMap.FromNames(ToyShapes.ClassNames.Take(toy.NumClasses).ToArray()));
    var files = ImageMaskFolderDataset.Open(folder);
    var (_, expected) = toy.GetBatch([0, 1, 2, 3]);
    var (_, masks) = files.GetBatch([0, 1, 2, 3]);
    bool same = masks.equal(expected).all().item<bool>();
    Console.WriteLine($"SegHeads.Imaging: {files.Count} PNG samples written and read back, masks identical: {same}");
    Directory.Delete(folder, recursive: true);
    if (!same)
    {
        Console.Error.WriteLine("FAIL: masks changed on their way through PNG files.");
        return 1;
    }
}

Console.WriteLine("OK: SegHeads, SegHeads.Dynamics and SegHeads.Imaging packages restored, TorchSharp loaded, collapse, dynamics and image files verified.");
return 0;
