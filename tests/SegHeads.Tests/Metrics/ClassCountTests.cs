using SegHeads.Metrics;

namespace SegHeads.Tests.Metrics;

public sealed class ClassCountTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(5, 5)]
    public void For_OutputChannels_CountsABinaryModelAsTwoClasses(int channels, int classes)
    {
        ClassCount.For(channels).Should().Be(classes);
        ClassCount.For((long)channels).Should().Be(classes);
    }

    [Fact]
    public void For_ZeroChannels_ThrowsNamingTheValue()
    {
        Action count = () => ClassCount.For(0);

        count.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*at least one output channel*0*");
    }
}
