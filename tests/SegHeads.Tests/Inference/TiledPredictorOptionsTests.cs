using SegHeads.Inference;

namespace SegHeads.Tests.Inference;

public sealed class TiledPredictorOptionsTests
{
    [Theory]
    [InlineData(16, 16, 17, 8)]
    [InlineData(16, 16, 8, 20)]
    public void Validate_StrideBeyondWindow_ThrowsWithBoth(int windowHeight, int windowWidth, int strideHeight, int strideWidth)
    {
        var options = new TiledPredictorOptions { WindowHeight = windowHeight, WindowWidth = windowWidth, StrideHeight = strideHeight, StrideWidth = strideWidth };

        Action validate = () => options.Validate();

        validate.Should().Throw<ArgumentException>().WithMessage($"*stride ({strideHeight}, {strideWidth})*window ({windowHeight}, {windowWidth})*");
    }

    [Fact]
    public void Validate_ZeroTilesPerBatch_ThrowsNamingIt()
    {
        Action validate = () => new TiledPredictorOptions { TilesPerBatch = 0 }.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*TilesPerBatch*0*");
    }

    [Fact]
    public void Validate_Defaults_AreValid()
    {
        var options = new TiledPredictorOptions().Validate();

        options.WindowHeight.Should().Be(256);
        options.StrideWidth.Should().Be(128);
    }
}
