using SegHeads.Imaging.Validation;

namespace SegHeads.Imaging.Datasets;

/// <summary>Opens a dataset folder whose layout is recognised from its subfolders.</summary>
public static class DatasetDirectory
{
    /// <summary>Recognises the layout of a dataset folder.</summary>
    /// <param name="root">Dataset folder.</param>
    /// <returns><see cref="DatasetLayout.Voc"/> when it holds <c>JPEGImages</c> and <c>SegmentationClass</c>; <see cref="DatasetLayout.ImageMaskFolder"/> when it holds <c>images</c> and <c>masks</c>.</returns>
    /// <exception cref="DatasetException">The folder is missing or has neither layout.</exception>
    public static DatasetLayout Detect(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        if (!Directory.Exists(root))
        {
            throw new DatasetException(root, "dataset folder not found.");
        }

        if (Directory.Exists(Path.Combine(root, VocDataset.ImagesFolderName)) && Directory.Exists(Path.Combine(root, VocDataset.MasksFolderName)))
        {
            return DatasetLayout.Voc;
        }

        if (Directory.Exists(Path.Combine(root, ImageMaskFolderDataset.ImagesFolderName)) && Directory.Exists(Path.Combine(root, ImageMaskFolderDataset.MasksFolderName)))
        {
            return DatasetLayout.ImageMaskFolder;
        }

        throw new DatasetException(
            root,
            $"not a dataset folder: expected '{ImageMaskFolderDataset.ImagesFolderName}' + '{ImageMaskFolderDataset.MasksFolderName}' (+ classes.json) or the VOC layout '{VocDataset.ImagesFolderName}' + '{VocDataset.MasksFolderName}' + '{VocDataset.SplitsFolder}'.");
    }

    /// <summary>Opens a dataset folder of either layout.</summary>
    /// <param name="root">Dataset folder.</param>
    /// <param name="split">VOC split name (ignored for the folder layout); null reads every VOC mask.</param>
    /// <param name="cacheInMemory">Keep decoded samples in memory.</param>
    /// <param name="resizeTo">Resize every sample to this size, or null.</param>
    /// <returns>The dataset.</returns>
    /// <exception cref="DatasetException">The folder is not a dataset or has structural problems (each named with its path).</exception>
    public static FileSegmentationDataset Open(string root, string? split = "train", bool cacheInMemory = false, ImageSize? resizeTo = null) =>
        Detect(root) == DatasetLayout.Voc
            ? new VocDataset(new VocDatasetOptions { Root = root, Split = split, CacheInMemory = cacheInMemory, ResizeTo = resizeTo })
            : new ImageMaskFolderDataset(ImageMaskFolderDataset.OptionsFor(root) with { CacheInMemory = cacheInMemory, ResizeTo = resizeTo });
}
