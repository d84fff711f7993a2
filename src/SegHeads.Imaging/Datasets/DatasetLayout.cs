namespace SegHeads.Imaging.Datasets;

/// <summary>Folder layouts that <see cref="DatasetDirectory"/> recognises.</summary>
public enum DatasetLayout
{
    /// <summary><c>images/</c>, <c>masks/</c> and <c>classes.json</c> (<see cref="ImageMaskFolderDataset"/>).</summary>
    ImageMaskFolder,

    /// <summary>Pascal VOC: <c>JPEGImages/</c>, <c>SegmentationClass/</c>, <c>ImageSets/Segmentation/</c> (<see cref="VocDataset"/>).</summary>
    Voc,
}
