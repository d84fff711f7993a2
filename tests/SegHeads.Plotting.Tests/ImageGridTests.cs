namespace SegHeads.Plotting.Tests;

public class ImageGridTests
{
    [Fact]
    public void Mask_ColoursClassesByPaletteAndIgnoredPixelsGrey()
    {
        var tile = ImageTile.Mask([0, 1, -1, 255], 2, 2);
        byte[] pixels = tile.ToRgbaBytes();

        Pixel(pixels, 0).Should().Be(Palette.Category(0));
        Pixel(pixels, 1).Should().Be(Palette.Category(1));
        Pixel(pixels, 2).Should().Be(Palette.Ignore);
        Pixel(pixels, 3).Should().Be(Palette.Ignore);
        tile.Classes.Should().Equal(0, 1);
    }

    [Fact]
    public void Mask_Int64Indices_MatchInt32Indices()
    {
        ImageTile.Mask([2L, 3L, 255L, 0L], 2, 2).ToRgbaBytes()
            .Should().Equal(ImageTile.Mask([2, 3, 255, 0], 2, 2).ToRgbaBytes());
    }

    [Fact]
    public void Rgb_ChannelFirstFloats_BecomeClampedBytes()
    {
        // [3, 1, 2]: red plane, green plane, blue plane.
        var tile = ImageTile.Rgb([1f, 0f, 0f, 0.5f, 2f, -1f], 1, 2);
        byte[] pixels = tile.ToRgbaBytes();

        Pixel(pixels, 0).Should().Be(new Rgba(255, 0, 255));
        Pixel(pixels, 1).Should().Be(new Rgba(0, 128, 0));
    }

    [Fact]
    public void Rgb_WrongLength_Throws()
    {
        var act = () => ImageTile.Rgb(new float[5], 1, 2);

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ToCanvas_DrawsEveryTileUpscaled()
    {
        var grid = new ImageGrid("input", "ground truth", "prediction") { Scale = 4, Title = "predictions" };
        var rgb = ImageTile.Rgb(Enumerable.Repeat(0.5f, 3 * 8 * 8).ToArray(), 8, 8);
        grid.AddRow("sample 0", rgb, ImageTile.Mask(Enumerable.Repeat(2, 64).ToArray(), 8, 8), ImageTile.Mask(Enumerable.Repeat(3, 64).ToArray(), 8, 8));

        var canvas = grid.ToCanvas();

        Count(canvas, Palette.Category(2)).Should().Be(32 * 32);
        Count(canvas, Palette.Category(3)).Should().Be(32 * 32);
        Count(canvas, new Rgba(128, 128, 128)).Should().Be(32 * 32);
    }

    [Fact]
    public void ToCanvas_WithClassNames_AddsKeySwatches()
    {
        var grid = new ImageGrid("ground truth") { Scale = 1, ClassNames = ["background", "road"] };
        grid.AddRow(null, ImageTile.Mask(Enumerable.Repeat(1, 64).ToArray(), 8, 8));

        var withKey = grid.ToCanvas();
        grid.ClassNames = null;
        var withoutKey = grid.ToCanvas();

        withKey.Height.Should().BeGreaterThan(withoutKey.Height);
        Count(withKey, Palette.Category(1)).Should().BeGreaterThan(Count(withoutKey, Palette.Category(1)));
    }

    [Fact]
    public void ToCanvas_NoRows_Throws()
    {
        var act = () => new ImageGrid("input").ToCanvas();

        act.Should().Throw<InvalidOperationException>();
    }

    private static Rgba Pixel(byte[] rgba, int index) =>
        new(rgba[index * 4], rgba[(index * 4) + 1], rgba[(index * 4) + 2], rgba[(index * 4) + 3]);

    private static int Count(Canvas canvas, Rgba color)
    {
        int count = 0;
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                if (canvas.GetPixel(x, y) == color)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
