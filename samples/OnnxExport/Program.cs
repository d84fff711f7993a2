using System.Globalization;
using SegHeads.Backbones;
using SegHeads.Models;
using SegHeads.Onnx;
using SegHeads.Training;

// Usage: OnnxExport [--out model.onnx] [--checkpoint toytrain.ckpt] [--head SPEC] [--classes K] [--base-width W] [--depth D]
// Without a checkpoint the weights are freshly initialised (enough to check the deployment path).
var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--out"] = "out/onnx/model.onnx",
    ["--head"] = "stacked-linear:3-3-1@32",
    ["--classes"] = "4",
    ["--base-width"] = "16",
    ["--depth"] = "3",
};
for (int i = 0; i < args.Length; i++)
{
    if (args[i] is "-h" or "--help")
    {
        Console.WriteLine("OnnxExport [--out model.onnx] [--checkpoint file.ckpt] [--head SPEC] [--classes K] [--base-width W] [--depth D]");
        return 0;
    }

    if (i + 1 >= args.Length || !args[i].StartsWith("--", StringComparison.Ordinal))
    {
        Console.Error.WriteLine($"Expected '--name value' pairs, but got '{args[i]}' with no value.");
        return 2;
    }

    options[args[i]] = args[++i];
}

string? checkpoint = options.GetValueOrDefault("--checkpoint");
string head = checkpoint is null ? options["--head"] : Checkpoint.ReadInfo(checkpoint).HeadSpec;
int Int(string name) => int.Parse(options[name], CultureInfo.InvariantCulture);

using SegmentationModel model = SegmentationModel.Create(head, Int("--classes"),
    new EncoderDecoderOptions { BaseWidth = Int("--base-width"), Depth = Int("--depth") }, SizePolicy.PadAndCrop);
if (checkpoint is not null)
{
    Checkpoint.LoadWeights(checkpoint, model);
}

string path = Path.GetFullPath(options["--out"]);
Directory.CreateDirectory(Path.GetDirectoryName(path)!);
OnnxExporter.Export(model, path, new OnnxExportOptions { Outputs = OnnxOutputs.Logits | OnnxOutputs.Probabilities | OnnxOutputs.Mask });
Console.WriteLine($"Exported '{head}' ({model.NumClasses} classes{(checkpoint is null ? ", fresh weights" : $", weights of {checkpoint}")}) to {path} ({new FileInfo(path).Length / 1024.0:F1} KiB).");
return 0;
