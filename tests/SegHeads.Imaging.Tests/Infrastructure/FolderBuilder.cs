using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;

namespace SegHeads.Imaging.Tests.Infrastructure;

/// <summary>A small image/mask folder dataset in a temp folder, with helpers to add good and bad files.</summary>
internal sealed class FolderBuilder : IDisposable
{
    private readonly TempDir dir = new();

    public FolderBuilder(int classes = 4, int? ignore = 255)
    {
        Classes = ClassMap.Numbered(classes, ignore);
        Images = dir.Sub("images");
        Masks = dir.Sub("masks");
        Classes.Save(System.IO.Path.Combine(dir.Path, ClassMap.FileName));
    }

    public ClassMap Classes { get; }

    public string Root => dir.Path;

    public string Images { get; }

    public string Masks { get; }

    public ImageMaskFolderOptions Options => new() { ImagesDirectory = Images, MasksDirectory = Masks, Classes = Classes };

    public string ImagePath(string stem, string ext = ".png") => System.IO.Path.Combine(Images, stem + ext);

    public string MaskPath(string stem) => System.IO.Path.Combine(Masks, stem + ".png");

    /// <summary>Adds a good PNG image and palette mask.</summary>
    public FolderBuilder Add(string stem, int h = 8, int w = 10, int seed = 0)
    {
        TestFiles.WritePng(ImagePath(stem), TestFiles.Rgb(h, w, seed), h, w, 3);
        TestFiles.WriteIndexMask(MaskPath(stem), TestFiles.Labels(h, w, Classes.Count, Classes.IgnoreIndex), h, w, Classes);
        return this;
    }

    public ImageMaskFolderDataset Open() => new(Options);

    public void Dispose() => dir.Dispose();
}
