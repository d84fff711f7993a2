using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Tests.Infrastructure;
using SegHeads.Imaging.Validation;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Fixtures;

public sealed class VocMiniFixtureTests
{
    private static readonly string Root = VocMiniGenerator.SourceFolder();

    static VocMiniFixtureTests()
    {
        if (Environment.GetEnvironmentVariable("SEGHEADS_REGENERATE_FIXTURES") == "1")
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }

            VocMiniGenerator.Generate(Root);
        }
    }

    [Fact]
    public void VocMini_CommittedFiles_DecodeToWhatTheGeneratorMakes()
    {
        using var fresh = new TempDir();
        VocMiniGenerator.Generate(fresh.Path);
        string[] committed = Files(Root);
        committed.Should().Equal(Files(fresh.Path), "the committed fixture has the generator's files");
        foreach (string split in new[] { "train", "val", "trainval" })
        {
            string rel = Path.Combine("ImageSets", "Segmentation", split + ".txt");
            File.ReadAllText(Path.Combine(Root, rel)).Should().Be(File.ReadAllText(Path.Combine(fresh.Path, rel)));
        }

        var old = new VocDataset(new VocDatasetOptions { Root = Root, Split = "trainval" });
        var now = new VocDataset(new VocDatasetOptions { Root = fresh.Path, Split = "trainval" });
        for (int i = 0; i < old.Count; i++)
        {
            (Tensor oi, Tensor om) = old.GetSample(i);
            (Tensor ni, Tensor nm) = now.GetSample(i);
            using (oi)
            using (om)
            using (ni)
            using (nm)
            {
                om.equal(nm).all().item<bool>().Should().BeTrue($"mask {old.Files[i].MaskPath} decodes to the generator's mask");
                // NOTE: JPEG decoders may round differently across SkiaSharp versions; a few levels of 255 is a decode difference, not a changed fixture.
                TensorAssert.MaxAbsDiff(oi, ni).Should().BeLessThan(4.0 / 255, $"image {old.Files[i].ImagePath}");
            }
        }
    }

    [Fact]
    public void VocMini_LoadsWithVocClasses_255Ignored_AndTheMasksThatWereDrawn()
    {
        var ds = new VocDataset(new VocDatasetOptions { Root = Root, Split = "trainval" });
        ds.NumClasses.Should().Be(21);
        ds.Classes.Names.Should().Equal(ClassMap.VocClassNames);
        ds.IgnoreIndex.Should().Be(255);
        ds.Count.Should().Be(VocMiniGenerator.Samples.Length);
        for (int i = 0; i < ds.Count; i++)
        {
            var sample = VocMiniGenerator.Samples[i];
            (Tensor image, Tensor mask) = ds.GetSample(i);
            (Tensor drawnImage, Tensor drawn) = VocMiniGenerator.Render(sample.H, sample.W, sample.Objects);
            using (image)
            using (mask)
            using (drawnImage)
            using (drawn)
            {
                image.shape.Should().Equal(3, sample.H, sample.W);
                mask.equal(drawn).all().item<bool>().Should().BeTrue();
                mask.eq(255).sum().item<long>().Should().BeGreaterThan(0, "every sample has an ignored border");
                long[] classes = mask.unique().Item1.data<long>().ToArray();
                classes.Should().BeEquivalentTo(sample.Objects.Select(o => (long)o.Class).Append(0).Append(255).Distinct());
                TensorAssert.MaxAbsDiff(image, drawnImage).Should().BeLessThan(0.1, "JPEG quality 95 of flat boxes");
            }
        }
    }

    [Theory]
    [InlineData("train")]
    [InlineData("val")]
    public void VocMini_SplitFiles_SelectTheListedIds(string split)
    {
        var ds = new VocDataset(new VocDatasetOptions { Root = Root, Split = split });
        string[] expected = split == "train" ? VocMiniGenerator.Train : VocMiniGenerator.Val;
        ds.Files.Select(f => Path.GetFileNameWithoutExtension(f.ImagePath)).Should().Equal(expected);
    }

    [Fact]
    public void VocMini_NoSplit_ReadsEveryMask_NotTheUnlabelledImage()
    {
        var ds = new VocDataset(new VocDatasetOptions { Root = Root, Split = null });
        ds.Count.Should().Be(VocMiniGenerator.Samples.Length);
        ds.Files.Should().NotContain(f => f.ImagePath.Contains(VocMiniGenerator.UnlabelledId, StringComparison.Ordinal));
        DatasetValidator.ValidateDirectory(Root, split: null).Should().BeEmpty();
    }

    [Fact]
    public void Voc_MissingSplit_ThrowsNamingTheFileAndTheSplitsThatExist()
    {
        Action open = () => _ = new VocDataset(new VocDatasetOptions { Root = Root, Split = "test" });
        open.Should().Throw<DatasetException>().Which.Message.Should().Contain("test.txt").And.Contain("[train, trainval, val]");
    }

    [Fact]
    public void Voc_SplitListsAnIdWithoutMask_ThrowsNamingTheMissingMask()
    {
        using var dir = new TempDir();
        VocMiniGenerator.Generate(dir.Path);
        File.AppendAllText(Path.Combine(dir.Path, "ImageSets", "Segmentation", "train.txt"), VocMiniGenerator.UnlabelledId + "\n");
        Action open = () => _ = new VocDataset(new VocDatasetOptions { Root = dir.Path });
        string mask = Path.Combine(dir.Path, "SegmentationClass", VocMiniGenerator.UnlabelledId + ".png");
        open.Should().Throw<DatasetException>().Which.Problems.Should().ContainSingle().Which.Path.Should().Be(mask);
    }

    private static string[] Files(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal).ToArray();
}
