using SegHeads.Data;
using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Tests.Infrastructure;
using SegHeads.Imaging.Writing;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Writing;

public sealed class DatasetExporterTests
{
    private const int N = 12;

    [Fact]
    public void ExportFolder_ToyShapes_LoadsBackWithIdenticalMasksAndImagesWithinOneLevel()
    {
        using var toy = ToyShapes.Generate(new ToyShapesOptions { Count = N, ImageSize = 24, Seed = 5 });
        using var dir = new TempDir();
        ClassMap classes = ClassMap.FromNames(ToyShapes.ClassNames.Take(toy.NumClasses).ToArray());
        DatasetExporter.ExportFolder(toy, dir.Path, classes).Should().Be(N);

        var back = ImageMaskFolderDataset.Open(dir.Path);
        back.Count.Should().Be(N);
        back.Classes.Names.Should().Equal(classes.Names);
        AssertSame(toy, back, Enumerable.Range(0, N).ToArray(), imageTolerance: 1.0 / 255);
    }

    [Fact]
    public void ExportFolder_GreyColorBlobs_LoadsBackAsOneChannel()
    {
        using var blobs = ColorBlobs.Generate(new ColorBlobsOptions { Count = 4, Channels = 1, NumClasses = 3, ImageSize = 16 });
        using var dir = new TempDir();
        DatasetExporter.ExportFolder(blobs, dir.Path, ClassMap.Numbered(3));
        var back = new ImageMaskFolderDataset(ImageMaskFolderDataset.OptionsFor(dir.Path) with { ColorMode = ImageColorMode.Grayscale });
        AssertSame(blobs, back, [0, 1, 2, 3], imageTolerance: 1.0 / 255);
    }

    [Fact]
    public void ExportVoc_PngImages_LoadsBackExactlyWithSplitsHonoured()
    {
        using var toy = ToyShapes.Generate(new ToyShapesOptions { Count = N, ImageSize = 24, Seed = 1 });
        using var dir = new TempDir();
        DatasetExporter.ExportVoc(toy, dir.Path, ClassMap.Numbered(toy.NumClasses, 255), new VocExportOptions { ImageFormat = ExportImageFormat.Png });

        DatasetDirectory.Detect(dir.Path).Should().Be(DatasetLayout.Voc);
        VocDataset.ListSplits(dir.Path).Should().Equal("train", "trainval", "val");
        var train = new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "train" });
        var val = new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "val" });
        int[] valIndices = [4, 9];
        val.Count.Should().Be(valIndices.Length);
        train.Count.Should().Be(N - valIndices.Length);
        val.IgnoreIndex.Should().Be(255);
        AssertSame(toy, val, valIndices, imageTolerance: 1.0 / 255);
        AssertSame(toy, train, Enumerable.Range(0, N).Except(valIndices).ToArray(), imageTolerance: 1.0 / 255);
    }

    [Fact]
    public void ExportVoc_JpegImages_KeepMasksExactAndImagesClose()
    {
        using var toy = ToyShapes.Generate(new ToyShapesOptions { Count = 4, ImageSize = 32, Seed = 2 });
        using var dir = new TempDir();
        DatasetExporter.ExportVoc(toy, dir.Path, ClassMap.Numbered(toy.NumClasses), new VocExportOptions { ValEvery = 0 });
        File.Exists(Path.Combine(dir.Path, VocDataset.ImagesFolderName, "00000.jpg")).Should().BeTrue();
        var back = new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "trainval" });
        (Tensor images, Tensor masks) = back.GetBatch([0, 1, 2, 3]);
        (Tensor expectedImages, Tensor expectedMasks) = toy.GetBatch([0, 1, 2, 3]);
        using (images)
        using (masks)
        using (expectedImages)
        using (expectedMasks)
        {
            masks.equal(expectedMasks).all().item<bool>().Should().BeTrue();
            using Tensor meanError = (images - expectedImages.clamp(0, 1)).abs().mean();
            meanError.item<float>().Should().BeGreaterThan(0).And.BeLessThan(0.03f, "JPEG quality 95 on noisy 32×32 toy images");
        }
    }

    [Fact]
    public void ExportVoc_TwoExportsIntoOneRoot_FillTheirSplitsAndMergeTrainval()
    {
        using var a = ToyShapes.Generate(new ToyShapesOptions { Count = 3, ImageSize = 16, Seed = 1 });
        using var b = ToyShapes.Generate(new ToyShapesOptions { Count = 2, ImageSize = 16, Seed = 2 });
        using var dir = new TempDir();
        ClassMap classes = ClassMap.Numbered(a.NumClasses);
        DatasetExporter.ExportVoc(a, dir.Path, classes, new VocExportOptions { Split = "train", IdPrefix = "train_", ImageFormat = ExportImageFormat.Png });
        DatasetExporter.ExportVoc(b, dir.Path, classes, new VocExportOptions { Split = "val", IdPrefix = "val_", ImageFormat = ExportImageFormat.Png });
        var val = new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "val" });
        val.Files.Select(f => Path.GetFileNameWithoutExtension(f.ImagePath)).Should().Equal("val_00000", "val_00001");
        new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "train" }).Count.Should().Be(3);
        new VocDataset(new VocDatasetOptions { Root = dir.Path, Split = "trainval" }).Count.Should().Be(5);
        AssertSame(b, val, [0, 1], imageTolerance: 1.0 / 255);
    }

    [Fact]
    public void ReadImage_WrittenPng_ReadsBackWithinRounding()
    {
        using var dir = new TempDir();
        using Tensor image = rand(3, 5, 7);
        string path = Path.Combine(dir.Path, "x.png");
        ImageFiles.WriteImage(image, path);
        using Tensor back = ImageFiles.ReadImage(path);
        TensorAssert.MaxAbsDiff(back, image).Should().BeLessThanOrEqualTo((0.5 / 255) + 1e-6);
    }

    [Fact]
    public void ExportFolder_ClassMapOfAnotherSize_Throws()
    {
        using var toy = ToyShapes.Generate(new ToyShapesOptions { Count = 2, ImageSize = 16 });
        using var dir = new TempDir();
        Action export = () => DatasetExporter.ExportFolder(toy, dir.Path, ClassMap.Numbered(toy.NumClasses + 1));
        export.Should().Throw<ArgumentException>().WithMessage($"*{toy.NumClasses + 1} classes*{toy.NumClasses}*");
    }

    private static void AssertSame(InMemoryDataset expected, ISegmentationDataset actual, int[] expectedIndices, double imageTolerance)
    {
        long[] e = expectedIndices.Select(i => (long)i).ToArray();
        long[] a = Enumerable.Range(0, expectedIndices.Length).Select(i => (long)i).ToArray();
        (Tensor ei, Tensor em) = expected.GetBatch(e);
        (Tensor ai, Tensor am) = actual.GetBatch(a);
        using (ei)
        using (em)
        using (ai)
        using (am)
        {
            am.shape.Should().Equal(em.shape);
            am.equal(em).all().item<bool>().Should().BeTrue("masks survive a round trip exactly");
            using Tensor clamped = ei.clamp(0, 1);
            TensorAssert.MaxAbsDiff(ai, clamped).Should().BeLessThanOrEqualTo(imageTolerance + 1e-6);
        }
    }
}
