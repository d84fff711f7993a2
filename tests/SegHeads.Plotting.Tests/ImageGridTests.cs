namespace SegHeads.Plotting.Tests;

public sealed class ImageGridTests : IDisposable
{
    private const int Side = 8;
    private readonly RenderedPng temp = new();

    [Fact]
    public void SavePng_InputTruthPrediction_DecodesWithUpscaledMaskPixels()
    {
        var grid = new ImageGrid("input", "ground truth", "prediction") { Title = "predictions", Scale = 4, ClassNames = ["background", "circle", "square"] };
        int[] truth = Enumerable.Range(0, Side * Side).Select(i => i % Side < 4 ? 0 : 2).ToArray();
        int[] guess = Enumerable.Range(0, Side * Side).Select(i => i / Side < 2 ? 1 : 0).ToArray();
        float[] rgb = Enumerable.Range(0, 3 * Side * Side).Select(i => (i % 7) / 7f).ToArray();
        grid.AddRow("#0", ImageTile.Rgb(rgb, Side, Side), ImageTile.Mask(truth, Side, Side), ImageTile.Mask(guess, Side, Side));
        string path = temp.PathFor("grid.png");

        grid.SavePng(path);

        using var bitmap = RenderedPng.Decode(path);
        bitmap.Width.Should().BeGreaterThan(3 * Side * 4);
        int squarePixels = truth.Count(k => k == 2) * 16;
        RenderedPng.Count(bitmap, Palette.Category(2)).Should().BeGreaterThanOrEqualTo(squarePixels, "nearest-neighbour upscaling keeps mask colours exact");
    }

    [Fact]
    public void KeyEntries_ListPresentClassesWithNamesOrIndices()
    {
        var grid = new ImageGrid("truth") { ClassNames = ["background", "circle"] };
        grid.AddRow(null, ImageTile.Mask([0, 3, 255, 0], 2, 2));

        grid.KeyEntries().Should().Equal(("background", Palette.Category(0)), ("class 3", Palette.Category(3)));
    }

    [Fact]
    public void ToCanvas_KeyAddsHeightBelowTheTiles()
    {
        var withoutMask = new ImageGrid("input") { Scale = 2 };
        withoutMask.AddRow(null, ImageTile.FromRgba(new byte[4 * Side * Side], Side, Side));
        var withMask = new ImageGrid("input") { Scale = 2 };
        withMask.AddRow(null, ImageTile.Mask(new int[Side * Side], Side, Side));

        withMask.ToCanvas().Height.Should().BeGreaterThan(withoutMask.ToCanvas().Height);
    }

    [Fact]
    public void Mask_WrongLength_ThrowsWithBothCounts()
    {
        var act = () => ImageTile.Mask(new int[5], 2, 2);

        act.Should().Throw<ArgumentException>().WithMessage("*4*5*");
    }

    [Fact]
    public void ToCanvas_NoRows_Throws()
    {
        var act = () => new ImageGrid("a").ToCanvas();

        act.Should().Throw<InvalidOperationException>();
    }

    public void Dispose() => temp.Dispose();
}
