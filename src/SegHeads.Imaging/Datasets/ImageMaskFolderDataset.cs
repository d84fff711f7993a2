using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Decoding;
using SegHeads.Imaging.Validation;

namespace SegHeads.Imaging.Datasets;

/// <summary>
/// Images in one folder and masks in another, paired by file stem (<c>images/cat.jpg</c> ↔ <c>masks/cat.png</c>),
/// in ordinal order of the stems. Files are decoded lazily (see <see cref="FileSegmentationDataset"/>).
/// The layout written by <see cref="Writing.DatasetExporter.ExportFolder"/> is
/// <c>root/images/*.png</c>, <c>root/masks/*.png</c> and <c>root/classes.json</c>; <see cref="Open"/> reads it.
/// </summary>
public sealed class ImageMaskFolderDataset : FileSegmentationDataset
{
    /// <summary>Folder of images in the layout <see cref="Open"/> reads.</summary>
    public const string ImagesFolderName = "images";

    /// <summary>Folder of masks in the layout <see cref="Open"/> reads.</summary>
    public const string MasksFolderName = "masks";

    /// <summary>Lists and pairs the files (decoding nothing yet).</summary>
    /// <param name="options">Folders, classes and reading options.</param>
    /// <exception cref="DatasetException">A folder is missing or empty, an image has no mask, a mask has no image, two images share a stem, or a file is not an image; every problem is listed, each with its path.</exception>
    public ImageMaskFolderDataset(ImageMaskFolderOptions options)
        : this(Checked(options), ScanOrThrow(options))
    {
    }

    internal ImageMaskFolderDataset(ImageMaskFolderOptions options, IReadOnlyList<SampleFiles> files)
        : base(files, options.Classes, options.ColorMode, options.MaskEncoding, options.CacheInMemory, options.ResizeTo)
    {
        Options = options;
    }

    /// <summary>The options this dataset was opened with.</summary>
    public ImageMaskFolderOptions Options { get; }

    /// <summary>Options for the layout <c>root/images</c>, <c>root/masks</c>, <c>root/classes.json</c>.</summary>
    /// <param name="root">Dataset folder.</param>
    /// <returns>Options with the class file read; change the rest with <c>with { ... }</c>.</returns>
    /// <exception cref="DatasetException">The class file is missing or invalid.</exception>
    public static ImageMaskFolderOptions OptionsFor(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        string classFile = Path.Combine(root, ClassMap.FileName);
        if (!File.Exists(classFile))
        {
            throw new DatasetException(classFile, $"class file not found: a folder dataset needs {ClassMap.FileName} next to '{ImagesFolderName}' and '{MasksFolderName}' (class names, colours, ignore index).");
        }

        return new ImageMaskFolderOptions
        {
            ImagesDirectory = Path.Combine(root, ImagesFolderName),
            MasksDirectory = Path.Combine(root, MasksFolderName),
            Classes = ClassMap.Load(classFile),
        };
    }

    /// <summary>Opens the layout <c>root/images</c>, <c>root/masks</c>, <c>root/classes.json</c>.</summary>
    /// <param name="root">Dataset folder.</param>
    /// <param name="cacheInMemory">Keep decoded samples in memory.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetException">The class file or the folders are bad (the message names the path).</exception>
    public static ImageMaskFolderDataset Open(string root, bool cacheInMemory = false) =>
        new(OptionsFor(root) with { CacheInMemory = cacheInMemory });

    /// <summary>Lists and pairs the files; every structural problem goes to <paramref name="problems"/>.</summary>
    internal static List<SampleFiles> Scan(ImageMaskFolderOptions options, List<DatasetProblem> problems)
    {
        var files = new List<SampleFiles>();
        var images = ListFolder(options.ImagesDirectory, ImageFormats.ImageExtensions, "an image", options.IgnoreNonImageFiles, problems);
        var masks = ListFolder(options.MasksDirectory, [".png"], "a PNG mask", options.IgnoreNonImageFiles, problems);
        if (images is null || masks is null)
        {
            return files;
        }

        if (images.Count == 0)
        {
            problems.Add(new DatasetProblem(options.ImagesDirectory, "the folder contains no images (.png, .jpg, .jpeg, .bmp)."));
        }

        if (masks.Count == 0)
        {
            problems.Add(new DatasetProblem(options.MasksDirectory, "the folder contains no masks (.png)."));
        }

        foreach ((string stem, List<string> paths) in images.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (paths.Count > 1)
            {
                problems.Add(new DatasetProblem(paths[1], $"two images share the stem '{stem}' ({string.Join(", ", paths.Select(Path.GetFileName))}): a mask cannot tell which is its image."));
                continue;
            }

            if (masks.TryGetValue(stem, out List<string>? mask))
            {
                files.Add(new SampleFiles(paths[0], mask[0]));
            }
            else
            {
                problems.Add(new DatasetProblem(paths[0], $"the image has no mask: expected {Path.Combine(options.MasksDirectory, stem + ".png")}."));
            }
        }

        foreach ((string stem, List<string> paths) in masks.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!images.ContainsKey(stem))
            {
                problems.Add(new DatasetProblem(paths[0], $"the mask has no image: expected {Path.Combine(options.ImagesDirectory, stem)} with extension .png, .jpg, .jpeg or .bmp."));
            }
        }

        return files;
    }

    private static Dictionary<string, List<string>>? ListFolder(string dir, string[] extensions, string what, bool ignoreOthers, List<DatasetProblem> problems)
    {
        if (!Directory.Exists(dir))
        {
            problems.Add(new DatasetProblem(dir, "folder not found."));
            return null;
        }

        var byStem = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(path);
            if (name.StartsWith('.'))
            {
                continue;
            }

            if (!extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            {
                if (!ignoreOthers)
                {
                    problems.Add(new DatasetProblem(path, $"not {what} (expected {string.Join(", ", extensions)}): remove the file or set IgnoreNonImageFiles."));
                }

                continue;
            }

            string stem = Path.GetFileNameWithoutExtension(path);
            if (!byStem.TryGetValue(stem, out List<string>? list))
            {
                byStem[stem] = list = [];
            }

            list.Add(path);
        }

        return byStem;
    }

    private static ImageMaskFolderOptions Checked(ImageMaskFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Validate();
    }

    private static List<SampleFiles> ScanOrThrow(ImageMaskFolderOptions options)
    {
        var problems = new List<DatasetProblem>();
        List<SampleFiles> files = Scan(Checked(options), problems);
        return problems.Count > 0 ? throw new DatasetException(problems) : files;
    }
}
