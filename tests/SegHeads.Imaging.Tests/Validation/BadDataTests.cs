using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Decoding;
using SegHeads.Imaging.Tests.Infrastructure;
using SegHeads.Imaging.Validation;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Validation;

/// <summary>One test per kind of bad data: the error names the file, and the validator reports the same problem.</summary>
public sealed class BadDataTests
{
    [Fact]
    public void Load_TruncatedPngImage_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 16, 16);
        TestFiles.Truncate(b.ImagePath("a"), 0.6);
        ExpectSampleError(b, b.ImagePath("a"), "truncated");
    }

    [Fact]
    public void Load_TruncatedJpegImage_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 32, 32);
        File.Delete(b.ImagePath("a"));
        TestFiles.WriteJpeg(b.ImagePath("a", ".jpg"), TestFiles.Rgb(32, 32), 32, 32);
        TestFiles.Truncate(b.ImagePath("a", ".jpg"), 0.5);
        ExpectSampleError(b, b.ImagePath("a", ".jpg"), "truncated");
    }

    [Fact]
    public void Load_CorruptPngImage_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 16, 16);
        byte[] bytes = File.ReadAllBytes(b.ImagePath("a"));
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(b.ImagePath("a"), bytes);
        ExpectSampleError(b, b.ImagePath("a"), "corrupt");
    }

    [Fact]
    public void Load_GarbageWithImageExtension_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a");
        File.Delete(b.ImagePath("a"));
        File.WriteAllText(b.ImagePath("a", ".jpg"), "this is not an image");
        ExpectSampleError(b, b.ImagePath("a", ".jpg"), "not a PNG, JPEG or BMP");
    }

    [Fact]
    public void Load_EmptyImageFile_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a");
        File.WriteAllBytes(b.ImagePath("a"), []);
        ExpectSampleError(b, b.ImagePath("a"), "empty");
    }

    [Fact]
    public void Load_GifContentNamedPng_ThrowsUnsupportedFormatNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a");
        File.WriteAllBytes(b.ImagePath("a"), [.. "GIF89a"u8, 1, 0, 1, 0, 0, 0, 0]);
        ExpectSampleError(b, b.ImagePath("a"), "GIF is not supported");
    }

    [Fact]
    public void Load_SixteenBitPngImage_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 4, 4);
        TestFiles.Write16BitPng(b.ImagePath("a"), 4, 4, Png.Rgb);
        ExpectSampleError(b, b.ImagePath("a"), "16-bit");
    }

    [Fact]
    public void Load_SixteenBitPngMask_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 4, 4);
        TestFiles.Write16BitPng(b.MaskPath("a"), 4, 4, Png.Grey);
        ExpectSampleError(b, b.MaskPath("a"), "16-bit");
    }

    [Fact]
    public void Load_JpegMask_ThrowsNamingTheFile()
    {
        using var b = new FolderBuilder().Add("a", 8, 8);
        TestFiles.WriteJpeg(b.MaskPath("a"), TestFiles.Rgb(8, 8), 8, 8);
        ExpectSampleError(b, b.MaskPath("a"), "masks must be 8-bit PNGs");
    }

    [Fact]
    public void Load_ImageAndMaskOfDifferentSizes_ThrowsNamingBothFilesAndSizes()
    {
        using var b = new FolderBuilder().Add("a", 8, 10);
        TestFiles.WriteIndexMask(b.MaskPath("a"), TestFiles.Labels(8, 9, 4), 8, 9);
        DatasetException e = ExpectSampleError(b, b.MaskPath("a"), "8×9");
        e.Message.Should().Contain(b.ImagePath("a")).And.Contain("8×10");
    }

    [Fact]
    public void Load_MaskValueOutsideClassesAndNotIgnore_ThrowsWithValueAndFile()
    {
        using var b = new FolderBuilder(classes: 4, ignore: 255).Add("a", 6, 6);
        byte[] labels = TestFiles.Labels(6, 6, 4, 255);
        labels[7] = 9;
        labels[8] = 254;
        TestFiles.WriteIndexMask(b.MaskPath("a"), labels, 6, 6);
        DatasetException e = ExpectSampleError(b, b.MaskPath("a"), "2 mask pixels hold values [9, 254]");
        e.Message.Should().Contain("0..3").And.Contain("ignore index 255").And.Contain("(1, 1)");
    }

    [Fact]
    public void Load_ColourMaskWithUnknownColour_ThrowsWithColourAndFile()
    {
        using var b = new FolderBuilder().Add("a", 4, 4);
        byte[] rgb = new byte[4 * 4 * 3];
        rgb[^1] = 77;
        TestFiles.WritePng(b.MaskPath("a"), rgb, 4, 4, 3);
        ExpectSampleError(b, b.MaskPath("a"), "(0, 0, 77) at pixel (3, 3)");
    }

    [Fact]
    public void Open_ImageWithoutMask_ThrowsNamingTheImageAndTheExpectedMask()
    {
        using var b = new FolderBuilder().Add("a").Add("b");
        File.Delete(b.MaskPath("b"));
        ExpectOpenError(b, b.ImagePath("b"), "has no mask").Message.Should().Contain(b.MaskPath("b"));
    }

    [Fact]
    public void Open_MaskWithoutImage_ThrowsNamingTheMask()
    {
        using var b = new FolderBuilder().Add("a").Add("b");
        File.Delete(b.ImagePath("a"));
        ExpectOpenError(b, b.MaskPath("a"), "has no image");
    }

    [Fact]
    public void Open_EmptyImageFolder_ThrowsNamingTheFolder()
    {
        using var b = new FolderBuilder();
        ExpectOpenError(b, b.Images, "no images");
    }

    [Fact]
    public void Open_MissingFolder_ThrowsNamingTheFolder()
    {
        using var b = new FolderBuilder().Add("a");
        Directory.Delete(b.Masks, recursive: true);
        ExpectOpenError(b, b.Masks, "folder not found");
    }

    [Fact]
    public void Open_StrayNonImageFile_ThrowsNamingIt_UnlessIgnored()
    {
        using var b = new FolderBuilder().Add("a");
        string stray = Path.Combine(b.Images, "notes.txt");
        File.WriteAllText(stray, "hello");
        File.WriteAllText(Path.Combine(b.Images, ".DS_Store"), "hidden files are skipped");
        ExpectOpenError(b, stray, "not an image");
        new ImageMaskFolderDataset(b.Options with { IgnoreNonImageFiles = true }).Count.Should().Be(1);
    }

    [Fact]
    public void Open_TwoImagesWithOneStem_ThrowsNamingThem()
    {
        using var b = new FolderBuilder().Add("a");
        TestFiles.WriteJpeg(b.ImagePath("a", ".jpg"), TestFiles.Rgb(8, 10), 8, 10);
        ExpectOpenError(b, b.ImagePath("a", ".png"), "share the stem 'a'");
    }

    [Fact]
    public void Validate_SeveralBadFiles_ReportsEveryProblemWithItsFile()
    {
        using var b = new FolderBuilder().Add("good").Add("trunc", 16, 16).Add("nomask").Add("size").Add("value");
        TestFiles.Truncate(b.ImagePath("trunc"), 0.5);
        File.Delete(b.MaskPath("nomask"));
        TestFiles.WriteIndexMask(b.MaskPath("size"), TestFiles.Labels(3, 3, 4), 3, 3);
        byte[] labels = TestFiles.Labels(8, 10, 4);
        labels[0] = 40;
        TestFiles.WriteIndexMask(b.MaskPath("value"), labels, 8, 10);
        File.WriteAllText(Path.Combine(b.Masks, "readme.md"), "stray");
        File.WriteAllBytes(b.MaskPath("orphan"), File.ReadAllBytes(b.MaskPath("good")));

        IReadOnlyList<DatasetProblem> problems = DatasetValidator.Validate(b.Options);

        problems.Select(p => p.Path).Should().BeEquivalentTo(
            [Path.Combine(b.Masks, "readme.md"), b.ImagePath("nomask"), b.MaskPath("orphan"), b.ImagePath("trunc"), b.MaskPath("size"), b.MaskPath("value")]);
        DatasetValidator.ValidateDirectory(b.Root).Should().BeEquivalentTo(problems);
    }

    [Fact]
    public void Validate_GoodDataset_ReportsNothing()
    {
        using var b = new FolderBuilder().Add("a").Add("b", 5, 5);
        DatasetValidator.Validate(b.Options).Should().BeEmpty();
        DatasetValidator.Validate(b.Open()).Should().BeEmpty();
    }

    [Fact]
    public void Validate_NotADatasetFolder_ReportsTheFolder()
    {
        using var dir = new TempDir();
        DatasetValidator.ValidateDirectory(dir.Path).Should().ContainSingle().Which.Path.Should().Be(dir.Path);
    }

    private static DatasetException ExpectSampleError(FolderBuilder b, string path, string fragment)
    {
        ImageMaskFolderDataset ds = b.Open();
        int index = ds.Files.ToList().FindIndex(f => f.ImagePath == path || f.MaskPath == path);
        index.Should().BeGreaterThanOrEqualTo(0);
        Action load = () => ds.GetSample(index).Image.Dispose();
        DatasetException e = load.Should().Throw<DatasetException>().Which;
        e.Message.Should().StartWith(path).And.Contain(fragment);
        e.Problems.Should().ContainSingle().Which.Path.Should().Be(path);
        DatasetValidator.Validate(b.Options).Should().ContainSingle().Which.Should().Be(e.Problems[0]);
        return e;
    }

    private static DatasetException ExpectOpenError(FolderBuilder b, string path, string fragment)
    {
        Action open = () => b.Open();
        DatasetException e = open.Should().Throw<DatasetException>().Which;
        e.Problems.Should().Contain(p => p.Path == path && p.Message.Contains(fragment, StringComparison.Ordinal));
        e.Message.Should().Contain(path);
        DatasetValidator.Validate(b.Options).Should().BeEquivalentTo(e.Problems);
        return e;
    }
}
