using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Writing;

/// <summary>
/// Writes any <see cref="ISegmentationDataset"/> (for example <c>ToyShapes.Generate()</c>) to disk in a layout that
/// <see cref="ImageMaskFolderDataset"/> or <see cref="VocDataset"/> reads back, so the file-based paths run offline.
/// Images are clamped to [0, 1] and rounded to 8 bits.
/// </summary>
public static class DatasetExporter
{
    private const int BatchSize = 32;

    /// <summary>Writes <c>root/images/{i:D5}.png</c>, <c>root/masks/{i:D5}.png</c> (palette PNGs, index = class) and <c>root/classes.json</c>.</summary>
    /// <param name="dataset">The dataset (C = 1 or 3, masks 0..255).</param>
    /// <param name="root">Folder to write (created; existing files with the same names are replaced).</param>
    /// <param name="classes">Classes; must have the dataset's class count.</param>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentException">The class map does not match the dataset.</exception>
    public static int ExportFolder(ISegmentationDataset dataset, string root, ClassMap classes)
    {
        CheckArguments(dataset, root, classes);
        string images = Path.Combine(root, ImageMaskFolderDataset.ImagesFolderName), masks = Path.Combine(root, ImageMaskFolderDataset.MasksFolderName);
        ForEachSample(dataset, (i, image, mask) =>
        {
            string stem = Stem(i);
            ImageFiles.WriteImage(image, Path.Combine(images, stem + ".png"));
            ImageFiles.WriteMask(mask, Path.Combine(masks, stem + ".png"), classes);
        });
        classes.Save(Path.Combine(root, ClassMap.FileName));
        return dataset.Count;
    }

    /// <summary>
    /// Writes the Pascal VOC layout: <c>JPEGImages/{id}.jpg</c> (or <c>.png</c>), <c>SegmentationClass/{id}.png</c>
    /// (palette PNGs, index = class), <c>ImageSets/Segmentation/{train,val,trainval}.txt</c> (merged with split files already there), and <c>classes.json</c>
    /// (which <see cref="VocDataset"/> prefers to the 21 VOC classes when present).
    /// </summary>
    /// <param name="dataset">The dataset (C = 1 or 3, masks 0..255).</param>
    /// <param name="root">VOC root to write (created).</param>
    /// <param name="classes">Classes; must have the dataset's class count.</param>
    /// <param name="options">Image format, JPEG quality and split; null for the defaults.</param>
    /// <returns>The number of samples written.</returns>
    /// <exception cref="ArgumentException">The class map does not match the dataset.</exception>
    public static int ExportVoc(ISegmentationDataset dataset, string root, ClassMap classes, VocExportOptions? options = null)
    {
        CheckArguments(dataset, root, classes);
        options = (options ?? new VocExportOptions()).Validate();
        string images = Path.Combine(root, VocDataset.ImagesFolderName), masks = Path.Combine(root, VocDataset.MasksFolderName);
        string ext = options.ImageFormat == ExportImageFormat.Jpeg ? ".jpg" : ".png";
        var ids = new Dictionary<string, List<string>> { ["train"] = [], ["val"] = [] };
        ForEachSample(dataset, (i, image, mask) =>
        {
            string id = options.IdPrefix + Stem(i);
            ImageFiles.WriteImage(image, Path.Combine(images, id + ext), options.JpegQuality);
            ImageFiles.WriteMask(mask, Path.Combine(masks, id + ".png"), classes);
            string split = options.Split ?? (options.ValEvery > 0 && i % options.ValEvery == options.ValEvery - 1 ? "val" : "train");
            if (!ids.TryGetValue(split, out List<string>? list))
            {
                ids[split] = list = [];
            }

            list.Add(id);
        });

        // Split files are merged with those already there, so that several exports can fill one root.
        string splits = Path.Combine(root, VocDataset.SplitsFolder);
        Directory.CreateDirectory(splits);
        foreach ((string split, List<string> list) in ids)
        {
            MergeLines(Path.Combine(splits, split + ".txt"), list);
        }

        MergeLines(Path.Combine(splits, "trainval.txt"), ids.Where(p => p.Key is "train" or "val").SelectMany(p => p.Value));
        classes.Save(Path.Combine(root, ClassMap.FileName));
        return dataset.Count;
    }

    private static string Stem(int index) => index.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    private static void MergeLines(string path, IEnumerable<string> lines)
    {
        IEnumerable<string> existing = File.Exists(path) ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0) : [];
        File.WriteAllText(path, string.Concat(existing.Concat(lines).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Select(l => l + "\n")));
    }

    private static void ForEachSample(ISegmentationDataset dataset, Action<int, Tensor, Tensor> write)
    {
        for (int start = 0; start < dataset.Count; start += BatchSize)
        {
            using var scope = NewDisposeScope();
            long[] indices = Enumerable.Range(start, Math.Min(BatchSize, dataset.Count - start)).Select(i => (long)i).ToArray();
            (Tensor images, Tensor masks) = dataset.GetBatch(indices);
            for (int b = 0; b < indices.Length; b++)
            {
                write(start + b, images[b], masks[b]);
            }
        }
    }

    private static void CheckArguments(ISegmentationDataset dataset, string root, ClassMap classes)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(classes);
        if (classes.Count != dataset.NumClasses)
        {
            throw new ArgumentException($"The class map has {classes.Count} classes but the dataset has {dataset.NumClasses}.", nameof(classes));
        }

        if (dataset.Channels is not (1 or 3))
        {
            throw new ArgumentException($"Only 1- or 3-channel images can be written, but the dataset has {dataset.Channels} channels.", nameof(dataset));
        }
    }
}
