using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using SegHeads.Samples.OnnxInference;

// Usage: OnnxInference model.onnx [out-dir] — segments a few synthetic images of different sizes
// (one batch each) and writes image-N.ppm and mask-N.pgm. Needs only ONNX Runtime: no libtorch.
if (args.Length is < 1 or > 2 || args[0] is "-h" or "--help")
{
    Console.Error.WriteLine("Usage: OnnxInference model.onnx [out-dir]");
    return 2;
}

string modelPath = args[0];
string outDir = args.Length > 1 ? args[1] : "out/onnx-inference";
Directory.CreateDirectory(outDir);

using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var session = new InferenceSession(modelPath, sessionOptions);
IReadOnlyDictionary<string, string> metadata = session.ModelMetadata.CustomMetadataMap;
int numClasses = int.Parse(metadata.GetValueOrDefault("segheads.num_classes", "2"), CultureInfo.InvariantCulture);
string input = session.InputMetadata.Keys.Single();
if (!session.OutputMetadata.ContainsKey("mask"))
{
    Console.Error.WriteLine($"The model has no 'mask' output (it has {string.Join(", ", session.OutputMetadata.Keys)}); export it with OnnxOutputs.Mask.");
    return 1;
}

Console.WriteLine($"{modelPath}: head '{metadata.GetValueOrDefault("segheads.head", "?")}', {numClasses} classes, size policy {metadata.GetValueOrDefault("segheads.size_policy", "?")}");

// Sizes that are not multiples of the UNet's divisor: the exported pad-and-crop handles them.
(int Batch, int Height, int Width)[] runs = [(2, 48, 48), (1, 37, 61)];
int index = 0;
foreach ((int batch, int height, int width) in runs)
{
    var images = new float[batch * 3 * height * width];
    for (int b = 0; b < batch; b++)
    {
        SyntheticImages.Create(seed: index + b, height, width).CopyTo(images, b * 3 * height * width);
    }

    using OrtValue value = OrtValue.CreateTensorValueFromMemory(images, [batch, 3, height, width]);
    using var runOptions = new RunOptions();
    using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, new Dictionary<string, OrtValue> { [input] = value }, ["mask"]);
    ReadOnlySpan<long> masks = outputs[0].GetTensorDataAsSpan<long>();
    long[] shape = outputs[0].GetTensorTypeAndShape().Shape;
    if (shape is not [var n, var h, var w] || n != batch || h != height || w != width)
    {
        Console.Error.WriteLine($"Expected a mask of shape [{batch}, {height}, {width}], but got [{string.Join(", ", shape)}].");
        return 1;
    }

    for (int b = 0; b < batch; b++, index++)
    {
        ReadOnlySpan<long> mask = masks.Slice(b * height * width, height * width);
        Netpbm.WriteRgb(Path.Combine(outDir, $"image-{index}.ppm"), images[(b * 3 * height * width)..((b + 1) * 3 * height * width)], height, width);
        Netpbm.WriteMask(Path.Combine(outDir, $"mask-{index}.pgm"), mask, height, width, numClasses);
        var counts = new long[numClasses];
        foreach (long cls in mask)
        {
            counts[cls]++;
        }

        Console.WriteLine($"image {index} ({height}x{width}): pixels per class {string.Join(" ", counts)}");
    }
}

Console.WriteLine($"Wrote {index} images and masks to {Path.GetFullPath(outDir)}");
return 0;
