using SegHeads.Plotting;

namespace SegHeads.Plotting.Tests;

public sealed class SmoothingTests
{
    [Fact]
    public void MovingMean_AveragesTrailingWindow()
    {
        Smoothing.MovingMean([1, 3, 5, 7], 2).Should().Equal(1, 2, 4, 6);
    }

    [Fact]
    public void MovingMean_WindowOne_IsIdentity()
    {
        Smoothing.MovingMean([4, -1, 2], 1).Should().Equal(4, -1, 2);
    }
}
