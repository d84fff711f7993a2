using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Validation;

namespace SegHeads.Imaging.Datasets;

/// <summary>
/// The Pascal VOC segmentation layout: <c>JPEGImages/{id}.jpg</c> (a <c>.png</c> image is accepted too),
/// <c>SegmentationClass/{id}.png</c> palette PNGs whose palette index is the class (255 = ignored
/// border), and split files <c>ImageSets/Segmentation/{split}.txt</c> with one id per line.
/// Mask indices are read from the PNG data itself, not from the palette colours.
/// </summary>
public sealed class VocDataset : FileSegmentationDataset
{
    /// <summary>Image folder of the VOC layout.</summary>
    public const string ImagesFolderName = "JPEGImages";

    /// <summary>Mask folder of the VOC layout.</summary>
    public const string MasksFolderName = "SegmentationClass";

    /// <summary>Split folder of the VOC layout (relative to the root).</summary>
    public static readonly string SplitsFolder = Path.Combine("ImageSets", "Segmentation");

    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    /// <summary>Reads the split file (or lists the masks) and pairs the files (decoding nothing yet).</summary>
    /// <param name="options">Root, split, classes and reading options.</param>
    /// <exception cref="DatasetException">A folder or the split file is missing, the split is empty, an id has no image or no mask, or the class file is invalid; every problem is listed, each with its path.</exception>
    public VocDataset(VocDatasetOptions options)
        : this(Checked(options), ResolveClasses(options), ScanOrThrow(options))
    {
    }

    internal VocDataset(VocDatasetOptions options, ClassMap classes, IReadOnlyList<SampleFiles> files)
        : base(files, classes, options.ColorMode, Datasets.MaskEncoding.ClassIndex, options.CacheInMemory, options.ResizeTo)
    {
        Options = options;
    }

    /// <summary>The options this dataset was opened with.</summary>
    public VocDatasetOptions Options { get; }

    /// <summary>Names of the split files in <c>ImageSets/Segmentation</c> (without <c>.txt</c>), sorted.</summary>
    /// <param name="root">The VOC root.</param>
    /// <returns>For example <c>["train", "trainval", "val"]</c>; empty when the folder is missing.</returns>
    public static IReadOnlyList<string> ListSplits(string root)
    {
        string dir = Path.Combine(root, SplitsFolder);
        return Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.txt").Select(Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    internal static ClassMap ResolveClasses(VocDatasetOptions options)
    {
        if (options.Classes is not null)
        {
            return options.Classes;
        }

        string classFile = Path.Combine(options.Root, ClassMap.FileName);
        return File.Exists(classFile) ? ClassMap.Load(classFile) : ClassMap.Voc;
    }

    internal static List<SampleFiles> Scan(VocDatasetOptions options, List<DatasetProblem> problems)
    {
        var files = new List<SampleFiles>();
        string imagesDir = Path.Combine(options.Root, ImagesFolderName), masksDir = Path.Combine(options.Root, MasksFolderName);
        bool ok = true;
        foreach (string dir in new[] { imagesDir, masksDir })
        {
            if (!Directory.Exists(dir))
            {
                problems.Add(new DatasetProblem(dir, $"folder not found: a VOC root holds {ImagesFolderName}, {MasksFolderName} and {SplitsFolder}."));
                ok = false;
            }
        }

        if (!ok)
        {
            return files;
        }

        List<string> ids;
        string source;
        if (options.Split is { } split)
        {
            source = Path.Combine(options.Root, SplitsFolder, split + ".txt");
            if (!File.Exists(source))
            {
                IReadOnlyList<string> splits = ListSplits(options.Root);
                problems.Add(new DatasetProblem(source, $"split file not found; the splits here are [{string.Join(", ", splits)}]."));
                return files;
            }

            ids = File.ReadAllLines(source).Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        }
        else
        {
            source = masksDir;
            ids = [];
            foreach (string path in Directory.EnumerateFiles(masksDir).Order(StringComparer.Ordinal))
            {
                if (Path.GetFileName(path).StartsWith('.'))
                {
                    continue;
                }

                if (!string.Equals(Path.GetExtension(path), ".png", StringComparison.OrdinalIgnoreCase))
                {
                    problems.Add(new DatasetProblem(path, "not a PNG mask (expected .png): remove the file."));
                    continue;
                }

                ids.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        if (ids.Count == 0)
        {
            problems.Add(new DatasetProblem(source, "no samples: the split file lists no ids (or the mask folder holds no masks)."));
        }

        foreach (string id in ids)
        {
            string mask = Path.Combine(masksDir, id + ".png");
            string? image = ImageExtensions.Select(e => Path.Combine(imagesDir, id + e)).FirstOrDefault(File.Exists);
            if (image is null)
            {
                problems.Add(new DatasetProblem(Path.Combine(imagesDir, id + ".jpg"), $"image not found for id '{id}' (listed in {source}); .jpg, .jpeg and .png are accepted."));
            }

            if (!File.Exists(mask))
            {
                problems.Add(new DatasetProblem(mask, $"mask not found for id '{id}' (listed in {source})."));
            }

            if (image is not null && File.Exists(mask))
            {
                files.Add(new SampleFiles(image, mask));
            }
        }

        return files;
    }

    private static VocDatasetOptions Checked(VocDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate();
    }

    private static List<SampleFiles> ScanOrThrow(VocDatasetOptions options)
    {
        var problems = new List<DatasetProblem>();
        List<SampleFiles> files = Scan(options, problems);
        return problems.Count > 0 ? throw new DatasetException(problems) : files;
    }
}
