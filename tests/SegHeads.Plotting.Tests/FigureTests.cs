namespace SegHeads.Plotting.Tests;

public sealed class FigureTests : IDisposable
{
    private readonly RenderedPng temp = new();

    [Fact]
    public void SavePng_PanelGrid_IsPanelsWideAndTallerThanThePanelsForTitleAndKey()
    {
        var figure = new Figure(2, 3) { Title = "experiments" };
        for (int r = 0; r < 2; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                figure[r, c].AddLine("a", [0, 1, 2], [0, 1, 4]);
                figure[r, c].AddLine("b", [0, 1, 2], [1, 1, 2]);
            }
        }

        string path = temp.PathFor("figure.png");
        figure.SavePng(path, 240, 200);

        using var bitmap = RenderedPng.Decode(path);
        bitmap.Width.Should().Be(720);
        bitmap.Height.Should().BeGreaterThan(400);
        RenderedPng.Count(bitmap, Palette.Category(0)).Should().BeGreaterThan(6 * 20, "each of six panels draws the first series");
    }

    [Fact]
    public void UsesSharedLegend_SameKeyInEveryPanel_IsTrue()
    {
        var figure = new Figure(1, 2);
        figure[0, 0].AddLine("depth 1", [0, 1], [0, 1]);
        figure[0, 1].AddLine("depth 1", [0, 1], [1, 2]);

        figure.UsesSharedLegend().Should().BeTrue();
    }

    [Fact]
    public void UsesSharedLegend_DifferentKeys_IsFalseUnlessForced()
    {
        var figure = new Figure(1, 2);
        figure[0, 0].AddLine("loss", [0, 1], [0, 1]);
        figure[0, 1].AddLine("mIoU", [0, 1], [1, 2]);

        figure.UsesSharedLegend().Should().BeFalse();
        figure.SharedLegend = true;
        figure.UsesSharedLegend().Should().BeTrue();
    }

    [Fact]
    public void SetRowWeights_ResizesRowsAndRejectsBadWeights()
    {
        var figure = new Figure(2, 1);
        figure[0, 0].AddLine("u", [0, 1], [0, 1]);
        figure[1, 0].AddLine(string.Empty, [0, 1], [0, 0.01]);

        figure.SetRowWeights(3, 1);
        var image = figure.ToCanvas(300, 200);

        image.Width.Should().Be(300);
        image.Height.Should().BeGreaterThanOrEqualTo(400);
        var wrongCount = () => figure.SetRowWeights(1);
        wrongCount.Should().Throw<ArgumentException>().WithMessage("*2 positive*");
        var negative = () => figure.SetRowWeights(1, -1);
        negative.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Indexer_ReturnsDistinctPanelsAndRejectsOutOfRange()
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

    public void Dispose() => temp.Dispose();
}
