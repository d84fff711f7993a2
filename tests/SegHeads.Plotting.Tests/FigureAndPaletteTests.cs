namespace SegHeads.Plotting.Tests;

public class FigureAndPaletteTests
{
    [Fact]
    public void Figure_ToCanvas_IsPanelGridPlusTitle()
    {
        var figure = new Figure(2, 3) { Title = "experiments" };
        figure[1, 2].AddLine("a", [0, 1], [0, 1]);

        var canvas = figure.ToCanvas(200, 150);

        canvas.Width.Should().Be(600);
        canvas.Height.Should().BeGreaterThan(300);
    }

    [Fact]
    public void Figure_Indexer_ReturnsDistinctPanelsAndRejectsOutOfRange()
    {
        var figure = new Figure(1, 2);

        figure[0, 0].Should().NotBeSameAs(figure[0, 1]);
        figure[0, 1].Should().BeSameAs(figure[0, 1]);
        var act = () => figure[1, 0];
        act.Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Palette_CategoryColours_AreDistinct()
    {
        Enumerable.Range(0, 40).Select(Palette.Category).Distinct().Should().HaveCount(40);
    }

    [Fact]
    public void Rgba_FromHex_ParsesWithAndWithoutAlpha()
    {
        Rgba.FromHex("#1f77b4").Should().Be(new Rgba(0x1f, 0x77, 0xb4));
        Rgba.FromHex("ff000080").Should().Be(new Rgba(255, 0, 0, 128));
    }
}
