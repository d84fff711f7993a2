using SegHeads.Imaging.Classes;
using SegHeads.Imaging.Tests.Infrastructure;
using SegHeads.Imaging.Writing;
using SkiaSharp;
using static TorchSharp.torch;

namespace SegHeads.Imaging.Tests.Writing;

public sealed class RenderingTests
{
    private static readonly ClassMap Classes = ClassMap.Numbered(3, ignoreIndex: 255);

    [Fact]
    public void Colorize_GivesEachPixelItsClassColour()
    {
        using Tensor mask = tensor(new long[] { 0, 1, 2, 255 }, [2, 2]);
        using Tensor rgb = MaskRendering.Colorize(mask, Classes);
        rgb.shape.Should().Equal(3, 2, 2);
        RgbColor c1 = Classes.Colors[1];
        rgb[.., 0, 1].data<float>().ToArray().Should().Equal(c1.R / 255f, c1.G / 255f, c1.B / 255f);
        rgb[0, 1, 1].item<float>().Should().Be(224 / 255f);
    }

    [Fact]
    public void Colorize_ValueOutsideClasses_ThrowsWithTheValue()
    {
        using Tensor mask = tensor(new long[] { 0, 7 }, [1, 2]);
        Action colorize = () => MaskRendering.Colorize(mask, Classes).Dispose();
        colorize.Should().Throw<ArgumentException>().WithMessage("*7*3 classes*");
    }

    [Fact]
    public void Overlay_BlendsColours_AndLeavesIgnoredPixelsUnchanged()
    {
        using Tensor image = full(3, 2, 2, 0.5f);
        using Tensor mask = tensor(new long[] { 1, 1, 0, 255 }, [2, 2]);
        using Tensor opaque = MaskRendering.Overlay(image, mask, Classes, alpha: 1);
        using Tensor colors = MaskRendering.Colorize(mask, Classes);
        opaque[.., 0, 0].allclose(colors[.., 0, 0]).Should().BeTrue();
        opaque[.., 1, 1].data<float>().ToArray().Should().Equal(0.5f, 0.5f, 0.5f);
        using Tensor half = MaskRendering.Overlay(image, mask, Classes, alpha: 0.5);
        half[0, 0, 0].item<float>().Should().BeApproximately((0.5f * 0.5f) + (0.5f * colors[0, 0, 0].item<float>()), 1e-6f);
    }

    [Fact]
    public void ContactSheet_TwoRowsWithTruth_HasThreeColumnsWithGaps_AndTheImageTopLeft()
    {
        using Tensor image = rand(3, 5, 6);
        using Tensor small = rand(1, 4, 4);
        using Tensor mask = zeros(5, 6, dtype: int64);
        using Tensor smallMask = ones(4, 4, dtype: int64);
        using Tensor sheet = ContactSheet.Create([(image, mask, mask), (small, smallMask, null)], Classes);
        sheet.shape.Should().Equal(3, (2 * 5) + 2, (3 * 6) + 4);
        sheet[.., 0..5, 0..6].allclose(image).Should().BeTrue();
        sheet[.., 7..11, 0..4].allclose(small.expand(3, -1, -1)).Should().BeTrue();
        sheet[.., 11, 5].data<float>().ToArray().Should().Equal(1f, 1f, 1f);
    }

    [Fact]
    public void ContactSheet_Scale_RepeatsEveryPixel()
    {
        using Tensor image = rand(3, 3, 4);
        using Tensor mask = zeros(3, 4, dtype: int64);
        using Tensor one = ContactSheet.Create([(image, mask, null)], Classes);
        using Tensor three = ContactSheet.Create([(image, mask, null)], Classes, scale: 3);
        three.shape.Should().Equal(3, one.shape[1] * 3, one.shape[2] * 3);
        three[.., 7, 5].allclose(one[.., 2, 1]).Should().BeTrue();
    }

    [Fact]
    public void WriteMask_WithClasses_WritesAPalettePngThatViewersShowInClassColours()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "m.png");
        using Tensor mask = tensor(new long[] { 0, 1, 2, 255 }, [2, 2]);
        ImageFiles.WriteMask(mask, path, Classes);
        File.ReadAllBytes(path)[25].Should().Be(3, "colour type 3 = palette");
        using SKBitmap decoded = SKBitmap.Decode(path);
        SKColor c = decoded.GetPixel(1, 0);
        (c.Red, c.Green, c.Blue).Should().Be((Classes.Colors[1].R, Classes.Colors[1].G, Classes.Colors[1].B));
        SKColor ignored = decoded.GetPixel(1, 1);
        (ignored.Red, ignored.Green, ignored.Blue).Should().Be(((byte)224, (byte)224, (byte)192));
    }

    [Fact]
    public void WriteMask_ValueAbove255_ThrowsWithTheValue()
    {
        using var dir = new TempDir();
        using Tensor mask = tensor(new long[] { 0, 300 }, [1, 2]);
        Action write = () => ImageFiles.WriteMask(mask, Path.Combine(dir.Path, "m.png"));
        write.Should().Throw<ArgumentException>().WithMessage("*300*");
    }

    [Fact]
    public void WriteImage_UnknownExtension_ThrowsWithThePath()
    {
        using Tensor image = rand(3, 2, 2);
        Action write = () => ImageFiles.WriteImage(image, "/tmp/x.tif");
        write.Should().Throw<ArgumentException>().WithMessage("*'.tif'*");
    }
}
