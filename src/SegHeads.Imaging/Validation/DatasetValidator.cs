using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;

namespace SegHeads.Imaging.Validation;

/// <summary>
/// Scans a whole dataset up front (every file listed and decoded) and returns every problem at once,
/// instead of the first one that a training run would hit.
/// </summary>
public static class DatasetValidator
{
    /// <summary>Checks an image/mask folder dataset.</summary>
    /// <param name="options">The dataset options.</param>
    /// <returns>Every problem (empty when the dataset is good), in file order.</returns>
    public static IReadOnlyList<DatasetProblem> Validate(ImageMaskFolderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var problems = new List<DatasetProblem>();
        List<SampleFiles> files = ImageMaskFolderDataset.Scan(options, problems);
        DecodeAll(new ImageMaskFolderDataset(options, files), problems);
        return problems;
    }

    /// <summary>Checks a Pascal VOC dataset.</summary>
    /// <param name="options">The dataset options.</param>
    /// <returns>Every problem (empty when the dataset is good), in file order.</returns>
    public static IReadOnlyList<DatasetProblem> Validate(VocDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var problems = new List<DatasetProblem>();
        ClassMap classes;
        try
        {
            classes = VocDataset.ResolveClasses(options);
        }
        catch (DatasetException e)
        {
            problems.AddRange(e.Problems);
            return problems;
        }

        List<SampleFiles> files = VocDataset.Scan(options, problems);
        DecodeAll(new VocDataset(options, classes, files), problems);
        return problems;
    }

    /// <summary>Checks a dataset folder of either layout (see <see cref="DatasetDirectory.Detect"/>).</summary>
    /// <param name="root">Dataset folder.</param>
    /// <param name="split">VOC split name (ignored for the folder layout); null checks every VOC mask.</param>
    /// <returns>Every problem (empty when the dataset is good).</returns>
    public static IReadOnlyList<DatasetProblem> ValidateDirectory(string root, string? split = "train")
    {
        try
        {
            return DatasetDirectory.Detect(root) == DatasetLayout.Voc
                ? Validate(new VocDatasetOptions { Root = root, Split = split })
                : Validate(ImageMaskFolderDataset.OptionsFor(root));
        }
        catch (DatasetException e)
        {
            return e.Problems;
        }
    }

    /// <summary>Decodes every sample of a dataset that is already open.</summary>
    /// <param name="dataset">The dataset.</param>
    /// <returns>Every problem (empty when every sample decodes and checks).</returns>
    public static IReadOnlyList<DatasetProblem> Validate(FileSegmentationDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var problems = new List<DatasetProblem>();
        DecodeAll(dataset, problems);
        return problems;
    }

    private static void DecodeAll(FileSegmentationDataset dataset, List<DatasetProblem> problems)
    {
        for (int i = 0; i < dataset.Count; i++)
        {
            try
            {
                dataset.Decode(i);
            }
            catch (DatasetException e)
            {
                problems.AddRange(e.Problems);
            }
        }
    }
}
