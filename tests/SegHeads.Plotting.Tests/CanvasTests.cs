namespace SegHeads.Plotting.Tests;

public class CanvasTests
{
    private static readonly Rgba Ink = new(200, 0, 0);

    [Fact]
    public void DrawText_ChangesPixelsOnlyInsideTheMeasuredBox()
    {
        var canvas = new Canvas(120, 40);
        const string Text = "Loss 0.5";
        var (width, height) = Canvas.MeasureText(Text, 2);

        canvas.DrawText(Text, 10, 5, Ink, 2);

        var changed = ChangedPixels(canvas, Rgba.White);
        changed.Should().NotBeEmpty();
        changed.Should().OnlyContain(p => p.X >= 10 && p.X < 10 + width && p.Y >= 5 && p.Y < 5 + height);
        width.Should().Be(((Text.Length * 6) - 1) * 2);
        height.Should().Be(16);
    }

    [Fact]
    public void DrawTextVertical_ChangesPixelsOnlyInsideTheRotatedBox()
    {
        var canvas = new Canvas(40, 120);
        var (width, height) = Canvas.MeasureText("mIoU", 1);

        canvas.DrawTextVertical("mIoU", 5, 10, Ink);

        var changed = ChangedPixels(canvas, Rgba.White);
        changed.Should().NotBeEmpty();
        changed.Should().OnlyContain(p => p.X >= 5 && p.X < 5 + height && p.Y >= 10 && p.Y < 10 + width);
    }

    [Fact]
    public void DrawLine_Dashed_LeavesGapsAlongTheLine()
    {
        var canvas = new Canvas(200, 20);

        canvas.DrawLine(10, 10.5, 190, 10.5, Ink, thickness: 2, style: LineStyle.Dashed);

        var row = Enumerable.Range(10, 181).Select(x => canvas.GetPixel(x, 10)).ToList();
        int inked = row.Count(p => p == Ink);
        int blank = row.Count(p => p == Rgba.White);
        inked.Should().BeGreaterThan(40);
        blank.Should().BeGreaterThan(20);
        CountRuns(row.Select(p => p == Ink)).Should().BeGreaterThanOrEqualTo(8, "a 180 px dashed line has many dashes");
    }

    [Fact]
    public void DrawLine_Solid_HasNoGaps()
    {
        var canvas = new Canvas(200, 20);

        canvas.DrawLine(10, 10.5, 190, 10.5, Ink, thickness: 2);

        Enumerable.Range(10, 181).Select(x => canvas.GetPixel(x, 10)).Should().OnlyContain(p => p == Ink);
    }

    [Fact]
    public void DrawPolyline_NaNPoint_BreaksTheLine()
    {
        var canvas = new Canvas(100, 20);

        canvas.DrawPolyline([(5, 10.5), (30, 10.5), (double.NaN, 10.5), (70, 10.5), (95, 10.5)], Ink, 2);

        canvas.GetPixel(20, 10).Should().Be(Ink);
        canvas.GetPixel(50, 10).Should().Be(Rgba.White);
        canvas.GetPixel(80, 10).Should().Be(Ink);
    }

    [Fact]
    public void FillPolygon_FillsInsideAndLeavesOutside()
    {
        var canvas = new Canvas(50, 50);

        canvas.FillPolygon([(10, 10), (40, 10), (40, 40), (10, 40)], Ink);

        canvas.GetPixel(25, 25).Should().Be(Ink);
        canvas.GetPixel(10, 10).Should().Be(Ink);
        canvas.GetPixel(5, 25).Should().Be(Rgba.White);
        canvas.GetPixel(45, 45).Should().Be(Rgba.White);
    }

    [Fact]
    public void FillRect_SemiTransparent_BlendsWithBackground()
    {
        var canvas = new Canvas(4, 4);

        canvas.FillRect(0, 0, 4, 4, Rgba.Black.WithOpacity(0.5));

        canvas.GetPixel(1, 1).R.Should().BeInRange(126, 129);
        canvas.GetPixel(1, 1).A.Should().Be(255);
    }

    [Fact]
    public void SetClip_DrawingOutsideClip_IsIgnored()
    {
        var canvas = new Canvas(20, 20);
        canvas.SetClip(0, 0, 10, 20);

        canvas.FillRect(0, 0, 20, 20, Ink);

        canvas.GetPixel(5, 5).Should().Be(Ink);
        canvas.GetPixel(15, 5).Should().Be(Rgba.White);
    }

    [Fact]
    public void DrawImage_Scale2_ReplicatesPixels()
    {
        var canvas = new Canvas(4, 4);
        byte[] image = [255, 0, 0, 255, 0, 0, 255, 255];

        canvas.DrawImage(0, 0, 2, 1, image, scale: 2);

        canvas.GetPixel(1, 1).Should().Be(new Rgba(255, 0, 0));
        canvas.GetPixel(3, 0).Should().Be(new Rgba(0, 0, 255));
        canvas.GetPixel(0, 2).Should().Be(Rgba.White);
    }

    private static List<(int X, int Y)> ChangedPixels(Canvas canvas, Rgba background)
    {
        var changed = new List<(int X, int Y)>();
        for (int y = 0; y < canvas.Height; y++)
        {
            for (int x = 0; x < canvas.Width; x++)
            {
                if (canvas.GetPixel(x, y) != background)
                {
                    changed.Add((x, y));
                }
            }
        }

        return changed;
    }

    private static int CountRuns(IEnumerable<bool> values)
    {
        int runs = 0;
        bool previous = false;
        foreach (bool v in values)
        {
            if (v && !previous)
            {
                runs++;
            }

            previous = v;
        }

        return runs;
    }
}
