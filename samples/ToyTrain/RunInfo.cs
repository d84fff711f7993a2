using System.Text.Json;
using SegHeads.Backbones;
using SegHeads.Imaging.Classes;
using SegHeads.Models;

namespace SegHeads.Samples.ToyTrain;

/// <summary>What <c>predict</c> needs to rebuild a trained model: written as <c>model.json</c> (+ <c>classes.json</c>) next to the checkpoint.</summary>
internal sealed record RunInfo(string Head, int NumClasses, int InChannels, int BaseWidth, int Depth)
{
    public const string FileName = "model.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public void Save(string folder, ClassMap classes)
    {
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json) + "\n");
        classes.Save(Path.Combine(folder, ClassMap.FileName));
    }

    public static (RunInfo Info, ClassMap Classes) Load(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} not found: --run must be a ToyTrain output folder (it holds {FileName}, {ClassMap.FileName} and checkpoint.ckpt).", path);
        }

        RunInfo info = JsonSerializer.Deserialize<RunInfo>(File.ReadAllText(path), Json)
            ?? throw new InvalidDataException($"{path} is empty.");
        return (info, ClassMap.Load(Path.Combine(folder, ClassMap.FileName)));
    }

    public SegmentationModel CreateModel(SizePolicy sizePolicy) =>
        SegmentationModel.Create(Head, NumClasses, new EncoderDecoderOptions { BaseWidth = BaseWidth, Depth = Depth, InChannels = InChannels }, sizePolicy);
}
