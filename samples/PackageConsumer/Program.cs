// A consumer of the SegHeads package: builds a model from a head spec, runs it, deploys the
// collapsed head and checks that both agree. Exits non-zero on any mismatch.
using SegHeads.Backbones;
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

Console.WriteLine("OK: SegHeads package restored, TorchSharp loaded, collapse verified.");
return 0;
