// Writes, for every example spec of the built-in head kinds (and a few backbone, dtype and size
// variants), <name>.weights.safetensors (model.SaveWeights) and <name>.io.safetensors (input and
// SegHeads' eval logits) into the folder given by --out, for check_load.py to verify in PyTorch.
using System.Globalization;
using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Interop;
using SegHeads.Models;
using TorchSharp;
using static TorchSharp.torch;

string? outFolder = args.Length == 2 && args[0] == "--out" ? args[1] : null;
if (outFolder is null)
{
    Console.Error.WriteLine("usage: RoundTripExport --out FOLDER");
    return 2;
}

Directory.CreateDirectory(outFolder);
set_num_threads(1);
string[] core = [LinearHead.Kind.Name, StackedLinearHead.Kind.Name, BranchedLinearHead.Kind.Name, ActivatedHead.Kind.Name];
var small = new EncoderDecoderOptions { BaseWidth = 4, Depth = 3 };
var cases = HeadRegistry.Examples
    .Where(s => core.Contains(s.Kind.Name))
    .Select(s => new Case(s.ToString(), small, SizePolicy.Strict, ScalarType.Float32, [2, 3, 16, 16]))
    .Concat(
    [
        new Case("stacked-linear:3-3-1@8+bn+pad-once", small with { Norm = NormKind.Group }, SizePolicy.PadAndCrop, ScalarType.Float64, [1, 3, 13, 11]),
        new Case("branched-linear:3-3-1@4+bn", small with { Depth = 2, Norm = NormKind.None }, SizePolicy.Strict, ScalarType.Float64, [1, 3, 8, 12]),
        new Case("activated:3-3-1@8+gn", small with { InChannels = 1 }, SizePolicy.PadAndCrop, ScalarType.Float32, [2, 1, 10, 14]),
        new Case("stacked-linear:3-3-1@8+bn+pad-once", small, SizePolicy.Strict, ScalarType.Float32, [2, 3, 16, 16]) { Deployed = true },
        new Case("activated:3-3-1@8+bn", small, SizePolicy.Strict, ScalarType.Float64, [1, 3, 12, 8]) { Deployed = true },
    ])
    .ToList();

for (int i = 0; i < cases.Count; i++)
{
    Case c = cases[i];
    manual_seed(100 + i);
    using SegmentationModel created = SegmentationModel.Create(c.Spec, 3, c.Backbone, c.Policy);
    created.to(c.DType);
    Randomise(created);
    created.eval();
    using SegmentationModel? deployed = c.Deployed ? created.ToDeployed() : null;
    SegmentationModel model = deployed ?? created;
    using Tensor images = randn(c.Input, dtype: c.DType);
    using Tensor logits = model.forward(images);
    string name = string.Create(CultureInfo.InvariantCulture, $"{i:D2}");
    model.SaveWeights(Path.Combine(outFolder, $"{name}.weights.safetensors"));
    Safetensors.Write(Path.Combine(outFolder, $"{name}.io.safetensors"), [new("input", images), new("logits", logits)]);
    Console.WriteLine($"{name}: {c.Spec}{(c.Deployed ? " deployed" : "")} ({c.DType}, backbone norm {c.Backbone.Norm}, depth {c.Backbone.Depth}, {c.Policy}), logits [{string.Join(", ", logits.shape)}]");
}

return 0;

// Norm statistics and affine parameters far from their defaults, so a wrong mapping cannot pass.
static void Randomise(SegmentationModel model)
{
    using var noGrad = no_grad();
    foreach ((string key, Tensor t) in model.state_dict())
    {
        if (key.EndsWith(".running_mean", StringComparison.Ordinal))
        {
            t.copy_(randn_like(t) * 0.2);
        }
        else if (key.EndsWith(".running_var", StringComparison.Ordinal))
        {
            t.copy_(rand_like(t) + 0.5);
        }
        else if (key.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
        {
            t.fill_(7);
        }
        else if (key.Contains(".norm.", StringComparison.Ordinal) && key.EndsWith(".weight", StringComparison.Ordinal))
        {
            t.copy_((randn_like(t) * 0.3) + 1);
        }
        else if (key.EndsWith(".bias", StringComparison.Ordinal))
        {
            t.copy_(randn_like(t) * 0.2);
        }
    }
}

internal sealed record Case(string Spec, EncoderDecoderOptions Backbone, SizePolicy Policy, ScalarType DType, long[] Input)
{
    /// <summary>Export <c>ToDeployed()</c> (batch norms folded, linear head collapsed) instead of the model.</summary>
    public bool Deployed { get; init; }
}
