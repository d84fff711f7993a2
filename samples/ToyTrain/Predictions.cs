using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Writing;
using SegHeads.Models;
using static TorchSharp.torch;

namespace SegHeads.Samples.ToyTrain;

/// <summary>Predicted masks as files: a contact sheet of image | prediction | truth for samples of any size.</summary>
internal static class Predictions
{
    public static void WriteContactSheet(string path, SegmentationModel model, ISampleDataset data, ClassMap classes, int count)
    {
        using var scope = NewDisposeScope();
        var rows = new List<(Tensor Image, Tensor Mask, Tensor? Second)>();
        for (int i = 0; i < Math.Min(count, data.Count); i++)
        {
            (Tensor image, Tensor truth) = data.GetSample(i);
            rows.Add((image, Predict(model, image), truth));
        }

        ContactSheet.Write(path, rows, classes, scale: SheetScale(rows.Max(r => (int)r.Image.shape[^1])));
    }

    /// <summary>An integer upscaling that shows cells at least about 96 pixels wide.</summary>
    public static int SheetScale(int cellWidth) => Math.Clamp(96 / Math.Max(1, cellWidth), 1, 8);

    /// <summary>The predicted mask <c>[H, W]</c> of one image <c>[C, H, W]</c>.</summary>
    public static Tensor Predict(SegmentationModel model, Tensor image)
    {
        using var scope = NewDisposeScope();
        Device device = model.parameters().First().device;
        return scope.MoveToOuter(model.Predict(image.unsqueeze(0).to(device))[0].cpu());
    }
}
