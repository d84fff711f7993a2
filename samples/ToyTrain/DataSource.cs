using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Validation;

namespace SegHeads.Samples.ToyTrain;

/// <summary>
/// The training and validation data of a run: generated toy shapes, or files from <c>--data</c>
/// (a folder dataset, a VOC root, or a folder holding <c>train/</c> and <c>val/</c> folder datasets).
/// </summary>
internal sealed class DataSource : IDisposable
{
    /// <summary>Every fifth sample (index % 5 == 4) of a single folder dataset is held out for validation.</summary>
    public const int HoldOutEvery = 5;

    private readonly List<IDisposable> owned = [];

    private DataSource(ISegmentationDataset train, ISegmentationDataset validation, ClassMap classes, string description)
    {
        Train = train;
        Validation = validation;
        Classes = classes;
        Description = description;
    }

    public ISegmentationDataset Train { get; }

    public ISegmentationDataset Validation { get; }

    public ClassMap Classes { get; }

    public string Description { get; }

    public static DataSource Generate(TrainSettings s)
    {
        var shapes = new ToyShapesOptions { ImageSize = s.ImageSize, NumClasses = s.Classes };
        InMemoryDataset train = ToyShapes.Generate(shapes with { Count = s.TrainCount, Seed = (s.Seed * 2) + 1 });
        InMemoryDataset validation = ToyShapes.Generate(shapes with { Count = s.ValCount, Seed = (s.Seed * 2) + 2 });
        var source = new DataSource(train, validation, ToyClasses(s.Classes), $"{train.Count} generated training images of {s.ImageSize}x{s.ImageSize}");
        source.owned.Add(train);
        source.owned.Add(validation);
        return source;
    }

    /// <summary>The toy classes as a class map (background, circle, ...).</summary>
    public static ClassMap ToyClasses(int classes) => ClassMap.FromNames(ToyShapes.ClassNames.Take(classes).ToArray());

    /// <summary>Opens <c>--data</c> (and <c>--val-data</c>); structural problems throw a <see cref="DatasetException"/> naming the files.</summary>
    public static DataSource Open(TrainSettings s)
    {
        string dir = s.Data ?? throw new InvalidOperationException("--data is not set.");
        ImageSize? resize = s.Resize is int r ? new ImageSize(r, r) : null;
        FileSegmentationDataset Open(string root, string? split) => DatasetDirectory.Open(root, split, s.Cache, resize);

        FileSegmentationDataset train;
        FileSegmentationDataset validation;
        string description;
        if (IsTrainValFolder(dir))
        {
            train = Open(Path.Combine(dir, "train"), null);
            validation = Open(s.ValData ?? Path.Combine(dir, "val"), s.ValSplit);
            description = $"{train.Count} training images from {Path.Combine(dir, "train")}";
        }
        else if (DatasetDirectory.Detect(dir) == DatasetLayout.Voc)
        {
            train = Open(dir, s.Split);
            validation = s.ValData is null ? Open(dir, s.ValSplit) : Open(s.ValData, s.ValSplit);
            description = $"{train.Count} training images from VOC split '{s.Split}' of {dir}";
        }
        else
        {
            FileSegmentationDataset all = Open(dir, null);
            if (s.ValData is not null)
            {
                train = all;
                validation = Open(s.ValData, s.ValSplit);
                description = $"{train.Count} training images from {dir}";
            }
            else
            {
                int[] held = Enumerable.Range(0, all.Count).Where(i => i % HoldOutEvery == HoldOutEvery - 1).ToArray();
                if (held.Length == 0)
                {
                    throw new DatasetException(dir, $"too few samples ({all.Count}) to hold out every {HoldOutEvery}th for validation; give --val-data.");
                }

                var rest = new SubsetDataset(all, Enumerable.Range(0, all.Count).Except(held).ToArray());
                var heldOut = new SubsetDataset(all, held);
                return new DataSource(rest, heldOut, all.Classes, $"{rest.Count} training images from {dir} ({heldOut.Count} held out for validation)");
            }
        }

        if (validation.NumClasses != train.NumClasses || validation.Channels != train.Channels)
        {
            throw new DatasetException(s.ValData ?? dir, $"the validation data has {validation.NumClasses} classes and {validation.Channels} channels, the training data {train.NumClasses} and {train.Channels}.");
        }

        return new DataSource(train, validation, train.Classes, description);
    }

    /// <summary>Every problem of the files that <see cref="Open"/> would read.</summary>
    public static IReadOnlyList<DatasetProblem> Validate(TrainSettings s)
    {
        string dir = s.Data ?? throw new InvalidOperationException("--data is not set.");
        var problems = new List<DatasetProblem>();
        if (IsTrainValFolder(dir))
        {
            problems.AddRange(DatasetValidator.ValidateDirectory(Path.Combine(dir, "train"), null));
            problems.AddRange(DatasetValidator.ValidateDirectory(s.ValData ?? Path.Combine(dir, "val"), s.ValSplit));
            return problems;
        }

        problems.AddRange(DatasetValidator.ValidateDirectory(dir, s.Split));
        if (s.ValData is not null)
        {
            problems.AddRange(DatasetValidator.ValidateDirectory(s.ValData, s.ValSplit));
        }
        else if (Directory.Exists(Path.Combine(dir, VocDataset.ImagesFolderName)))
        {
            problems.AddRange(DatasetValidator.ValidateDirectory(dir, s.ValSplit));
        }

        return problems.Distinct().ToList();
    }

    private static bool IsTrainValFolder(string dir) =>
        Directory.Exists(Path.Combine(dir, "train")) && Directory.Exists(Path.Combine(dir, "val"))
        && !Directory.Exists(Path.Combine(dir, ImageMaskFolderDataset.ImagesFolderName)) && !Directory.Exists(Path.Combine(dir, VocDataset.ImagesFolderName));

    public void Dispose()
    {
        foreach (IDisposable d in owned)
        {
            d.Dispose();
        }
    }
}
