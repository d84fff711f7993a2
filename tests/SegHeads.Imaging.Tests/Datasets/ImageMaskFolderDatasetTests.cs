using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Datasets;
using SegHeads.Imaging.Tests.Infrastructure;
using SkiaSharp;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Datasets;

public sealed class ImageMaskFolderDatasetTests
{
    [Fact]
    public void GetSample_PngImageAndPaletteMask_ReturnsExactPixelsAndClassIndices()
    {
        using var b = new FolderBuilder().Add("a", h: 6, w: 9);
        var ds = b.Open();
        ds.Count.Should().Be(1);
        ds.Channels.Should().Be(3);
        ds.NumClasses.Should().Be(4);
        ds.IgnoreIndex.Should().Be(255);
        (Tensor image, Tensor mask) = ds.GetSample(0);
        using (image)
        using (mask)
        {
            image.shape.Should().Equal(3, 6, 9);
            mask.shape.Should().Equal(6, 9);
            image.dtype.Should().Be(ScalarType.Float32);
            mask.dtype.Should().Be(ScalarType.Int64);
            byte[] rgb = TestFiles.Rgb(6, 9);
            using Tensor expected = tensor(rgb, dtype: uint8).reshape(6, 9, 3).permute(2, 0, 1).to(float32) / 255f;
            image.allclose(expected, rtol: 0, atol: 1e-6).Should().BeTrue();
            mask.data<long>().ToArray().Should().Equal(TestFiles.Labels(6, 9, 4, 255).Select(v => (long)v));
        }
    }

    [Fact]
    public void GetSample_PaletteMaskWithUnorderedPalette_ReadsIndicesNotColours()
    {
        // Palette colours that are not the VOC ones, so that a colour → VOC-index mapping would give other classes.
        using var b = new FolderBuilder();
        var odd = new ClassMap(["a", "b", "c", "d"], [new(10, 200, 30), new(0, 0, 0), new(128, 0, 0), new(5, 5, 5)]);
        byte[] labels = TestFiles.Labels(5, 7, 4);
        TestFiles.WritePng(b.ImagePath("x"), TestFiles.Rgb(5, 7), 5, 7, 3);
        TestFiles.WriteIndexMask(b.MaskPath("x"), labels, 5, 7, odd);
        (Tensor image, Tensor mask) = b.Open().GetSample(0);
        using (image)
        using (mask)
        {
            mask.data<long>().ToArray().Should().Equal(labels.Select(v => (long)v));
        }

        // SkiaSharp itself expands the palette: the same file decodes to the palette colours.
        using SKBitmap decoded = SKBitmap.Decode(b.MaskPath("x"));
        SKColor pixel = decoded.GetPixel(0, 0);
        RgbColor expected = odd.Colors[labels[0]];
        (pixel.Red, pixel.Green, pixel.Blue).Should().Be((expected.R, expected.G, expected.B));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GetSample_InterlacedPaletteOrGreyMask_ReadsTheSameIndices(bool palette)
    {
        using var b = new FolderBuilder();
        byte[] labels = TestFiles.Labels(11, 13, 4, 255);
        TestFiles.WritePng(b.ImagePath("i"), TestFiles.Rgb(11, 13), 11, 13, 3);
        TestFiles.WriteInterlacedPng(b.MaskPath("i"), labels, 11, 13, palette ? b.Classes : null);
        File.ReadAllBytes(b.MaskPath("i"))[28].Should().Be(1, "the mask is interlaced");
        (Tensor image, Tensor mask) = b.Open().GetSample(0);
        using (image)
        using (mask)
        {
            mask.data<long>().ToArray().Should().Equal(labels.Select(v => (long)v));
        }
    }

    [Fact]
    public void GetSample_RgbColourMask_MapsColoursThroughTheClassMap()
    {
        using var b = new FolderBuilder();
        byte[] labels = TestFiles.Labels(6, 6, 4, 255);
        byte[] rgb = labels.SelectMany(l => l == 255 ? [224, 224, 192] : new[] { b.Classes.Colors[l].R, b.Classes.Colors[l].G, b.Classes.Colors[l].B }).ToArray();
        TestFiles.WritePng(b.ImagePath("c"), TestFiles.Rgb(6, 6), 6, 6, 3);
        TestFiles.WritePng(b.MaskPath("c"), rgb, 6, 6, 3);
        (Tensor image, Tensor mask) = b.Open().GetSample(0);
        using (image)
        using (mask)
        {
            mask.data<long>().ToArray().Should().Equal(labels.Select(v => (long)v));
        }
    }

    [Fact]
    public void GetSample_PaletteMaskWithColorEncoding_MapsPaletteColours()
    {
        using var b = new FolderBuilder().Add("p");
        var ds = new ImageMaskFolderDataset(b.Options with { MaskEncoding = MaskEncoding.Color });
        var lazy = b.Open();
        (Tensor i1, Tensor m1) = ds.GetSample(0);
        (Tensor i2, Tensor m2) = lazy.GetSample(0);
        using (i1)
        using (m1)
        using (i2)
        using (m2)
        {
            m1.equal(m2).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void GetSample_BmpImage_DecodesExactly_AndJpegWithinCompressionError()
    {
        using var b = new FolderBuilder();
        byte[] rgb = TestFiles.Rgb(8, 8);
        TestFiles.WriteBmp(b.ImagePath("bmp", ".bmp"), rgb, 8, 8);
        TestFiles.WriteJpeg(b.ImagePath("jpg", ".jpg"), rgb, 8, 8, quality: 100);
        foreach (string stem in new[] { "bmp", "jpg" })
        {
            TestFiles.WriteIndexMask(b.MaskPath(stem), TestFiles.Labels(8, 8, 4), 8, 8);
        }

        var ds = b.Open();
        using Tensor expected = tensor(rgb, dtype: uint8).reshape(8, 8, 3).permute(2, 0, 1).to(float32) / 255f;
        (Tensor bmp, Tensor m0) = ds.GetSample(0);
        (Tensor jpg, Tensor m1) = ds.GetSample(1);
        using (bmp)
        using (jpg)
        using (m0)
        using (m1)
        {
            ds.Files[0].ImagePath.Should().EndWith("bmp.bmp");
            TensorAssert.MaxAbsDiff(bmp, expected).Should().BeLessThan(1e-6);
            double jpegError = TensorAssert.MaxAbsDiff(jpg, expected);
            jpegError.Should().BeGreaterThan(0).And.BeLessThan(0.25, "JPEG at quality 100 stays near the original");
        }
    }

    [Fact]
    public void GetSample_GreyscaleImage_IsRepeatedToRgb_OrKeptAsOneChannel()
    {
        using var b = new FolderBuilder();
        byte[] grey = Enumerable.Range(0, 20).Select(i => (byte)(i * 12)).ToArray();
        TestFiles.WritePng(b.ImagePath("g"), grey, 4, 5, 1);
        TestFiles.WriteIndexMask(b.MaskPath("g"), TestFiles.Labels(4, 5, 4), 4, 5);
        (Tensor rgb, Tensor m0) = b.Open().GetSample(0);
        var greyDataset = new ImageMaskFolderDataset(b.Options with { ColorMode = ImageColorMode.Grayscale });
        greyDataset.Channels.Should().Be(1);
        (Tensor one, Tensor m1) = greyDataset.GetSample(0);
        using (rgb)
        using (one)
        using (m0)
        using (m1)
        {
            rgb.shape.Should().Equal(3, 4, 5);
            one.shape.Should().Equal(1, 4, 5);
            using Tensor expected = tensor(grey, dtype: uint8).reshape(1, 4, 5).to(float32) / 255f;
            TensorAssert.MaxAbsDiff(one, expected).Should().BeLessThan(1e-6);
            TensorAssert.MaxAbsDiff(rgb, expected.expand(3, -1, -1)).Should().BeLessThan(1e-6);
        }
    }

    [Fact]
    public void GetBatch_SamplesOfDifferentSizes_ThrowsNamingBothFilesAndSizes()
    {
        using var b = new FolderBuilder().Add("a", 8, 8).Add("b", 8, 12);
        Action batch = () => b.Open().GetBatch([0, 1]);
        batch.Should().Throw<ArgumentException>()
            .Which.Message.Should().Contain(b.ImagePath("a")).And.Contain(b.ImagePath("b")).And.Contain("8×8").And.Contain("8×12").And.Contain("ResizeTo");
    }

    [Fact]
    public void GetBatch_WithResizeTo_StacksSamplesOfDifferentSizes_KeepingMaskValues()
    {
        using var b = new FolderBuilder().Add("a", 8, 8).Add("b", 10, 14, seed: 3);
        var ds = new ImageMaskFolderDataset(b.Options with { ResizeTo = new ImageSize(6, 7) });
        (Tensor images, Tensor masks) = ds.GetBatch([0, 1]);
        using (images)
        using (masks)
        {
            images.shape.Should().Equal(2, 3, 6, 7);
            masks.shape.Should().Equal(2, 6, 7);
            masks.unique().Item1.data<long>().ToArray().Should().BeSubsetOf(new long[] { 0, 1, 2, 3, 255 }, "nearest resizing keeps labels");
            images.min().item<float>().Should().BeGreaterThanOrEqualTo(0);
            images.max().item<float>().Should().BeLessThanOrEqualTo(1);
        }
    }

    [Fact]
    public void GetBatch_SameSizes_StacksSamplesInIndexOrder()
    {
        using var b = new FolderBuilder().Add("a", seed: 1).Add("b", seed: 2).Add("c", seed: 3);
        var ds = b.Open();
        (Tensor images, Tensor masks) = ds.GetBatch([2, 0]);
        (Tensor c, Tensor mc) = ds.GetSample(2);
        using (images)
        using (masks)
        using (c)
        using (mc)
        {
            images.shape.Should().Equal(2, 3, 8, 10);
            images[0].equal(c).all().item<bool>().Should().BeTrue();
            masks[0].equal(mc).all().item<bool>().Should().BeTrue();
        }
    }

    [Fact]
    public void GetSample_CachedAndLazy_GiveIdenticalTensors()
    {
        using var b = new FolderBuilder().Add("a", seed: 1).Add("b", seed: 2);
        var lazy = b.Open();
        var cached = new ImageMaskFolderDataset(b.Options with { CacheInMemory = true });
        for (int pass = 0; pass < 2; pass++)
        {
            for (int i = 0; i < 2; i++)
            {
                (Tensor li, Tensor lm) = lazy.GetSample(i);
                (Tensor ci, Tensor cm) = cached.GetSample(i);
                using (li)
                using (lm)
                using (ci)
                using (cm)
                {
                    li.equal(ci).all().item<bool>().Should().BeTrue();
                    lm.equal(cm).all().item<bool>().Should().BeTrue();
                }
            }
        }
    }

    [Fact]
    public void GetSample_CachedSample_IsAFreshTensorEachCall()
    {
        using var b = new FolderBuilder().Add("a");
        var cached = new ImageMaskFolderDataset(b.Options with { CacheInMemory = true });
        (Tensor first, Tensor m1) = cached.GetSample(0);
        using (m1)
        {
            first.fill_(0f);
            first.Dispose();
        }

        (Tensor second, Tensor m2) = cached.GetSample(0);
        using (second)
        using (m2)
        {
            second.max().item<float>().Should().BeGreaterThan(0, "changing a returned tensor must not change the cache");
        }
    }

    [Fact]
    public void GetSample_FromManyThreads_EqualsSequentialReads()
    {
        using var b = new FolderBuilder();
        for (int i = 0; i < 6; i++)
        {
            b.Add($"s{i}", seed: i);
        }

        foreach (bool cache in new[] { false, true })
        {
            var ds = new ImageMaskFolderDataset(b.Options with { CacheInMemory = cache });
            double[] sequential = Enumerable.Range(0, 6).Select(i => Checksum(ds, i)).ToArray();
            var parallel = new double[24];
            Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k => parallel[k] = Checksum(ds, k % 6));
            parallel.Should().Equal(Enumerable.Range(0, 24).Select(k => sequential[k % 6]));
        }
    }

    [Fact]
    public void Constructor_StemsPairAcrossExtensions_InOrdinalOrder()
    {
        using var b = new FolderBuilder().Add("b").Add("a");
        File.Move(b.ImagePath("b"), b.ImagePath("b", ".PNG"));
        var ds = b.Open();
        ds.Files.Select(f => Path.GetFileNameWithoutExtension(f.MaskPath)).Should().Equal("a", "b");
        ds.Files[1].ImagePath.Should().EndWith("b.PNG");
    }

    [Fact]
    public void Open_ReadsClassFileAndFolders()
    {
        using var b = new FolderBuilder(classes: 3, ignore: null).Add("a");
        var ds = ImageMaskFolderDataset.Open(b.Root);
        ds.NumClasses.Should().Be(3);
        ds.IgnoreIndex.Should().BeNull();
        DatasetDirectory.Detect(b.Root).Should().Be(DatasetLayout.ImageMaskFolder);
    }

    private static double Checksum(ImageMaskFolderDataset ds, int i)
    {
        (Tensor image, Tensor mask) = ds.GetSample(i);
        using (image)
        using (mask)
        {
            using Tensor weights = arange(image.numel(), dtype: float64).reshape(image.shape);
            using Tensor mw = arange(mask.numel(), dtype: float64).reshape(mask.shape);
            using Tensor a = (image.to(float64) * weights).sum();
            using Tensor m = (mask.to(float64) * mw).sum();
            return a.item<double>() + m.item<double>();
        }
    }
}
