using SegHeads.Inference;

namespace SegHeads.Tests.Inference;

public sealed class TileGridTests
{
    [Theory]
    [InlineData(16, 16, 8, new long[] { 0 })]
    [InlineData(20, 16, 8, new long[] { 0, 4 })]
    [InlineData(40, 16, 8, new long[] { 0, 8, 16, 24 })]
    [InlineData(41, 16, 8, new long[] { 0, 8, 16, 24, 25 })]
    [InlineData(10, 4, 4, new long[] { 0, 4, 6 })]
    public void Starts_CoverTheAxisWithALastWindowFlushAtTheEnd(long length, long window, long stride, long[] expected)
    {
        TileGrid.Starts(length, window, stride).Should().Equal(expected);
    }
}
