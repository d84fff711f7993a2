using SegHeads.Data.Augmentation;

namespace SegHeads.Tests.Data.Augmentation;

public sealed class AugmentationOptionsTests
{
    private static readonly AugmentationOptions Valid = new() { Height = 32, Width = 32 };

    public static TheoryData<AugmentationOptions, string> OutOfRange => new()
    {
        { Valid with { Height = 0 }, "Height must be positive*but was 0*" },
        { Valid with { Width = -3 }, "Width must be positive*but was -3*" },
        { Valid with { MinScale = 0 }, "MinScale must be finite and positive, but was 0*" },
        { Valid with { MinScale = 2, MaxScale = 1.5 }, "MaxScale must be finite and at least MinScale (2), but was 1.5*" },
        { Valid with { MinAspectRatio = 1.5, MaxAspectRatio = 1 }, "MaxAspectRatio must be finite and at least MinAspectRatio (1.5), but was 1*" },
        { Valid with { HorizontalFlip = 1.5 }, "HorizontalFlip must be a probability in [0, 1], but was 1.5*" },
        { Valid with { VerticalFlip = -0.1 }, "VerticalFlip must be a probability in [0, 1], but was -0.1*" },
        { Valid with { Brightness = -1 }, "Brightness must be finite and non-negative, but was -1*" },
        { Valid with { Hue = 0.7 }, "Hue must be in [0, 0.5] (turns), but was 0.7*" },
        { Valid with { Mean = [0.5, 0.5, 0.5], Std = [0.2, 0, 0.2] }, "Std must be finite and positive (channel 1), but was 0*" },
        { Valid with { ScaleReference = (ScaleReference)9 }, "ScaleReference must be a defined ScaleReference, but was 9*" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void Validate_OutOfRange_ThrowsNamingExpectedAndActual(AugmentationOptions options, string message)
    {
        Action validate = () => options.Validate();

        validate.Should().Throw<ArgumentOutOfRangeException>().WithMessage(message);
    }

    [Fact]
    public void Validate_MeanWithoutStd_ThrowsNamingBoth()
    {
        Action validate = () => (Valid with { Mean = [0.5] }).Validate();

        validate.Should().Throw<ArgumentException>().WithMessage("Mean and Std must be set together, but Mean is [0.5] and Std is null*");
    }

    [Fact]
    public void Validate_MeanAndStdOfDifferentLengths_ThrowsWithBothCounts()
    {
        Action validate = () => (Valid with { Mean = [0.5, 0.5], Std = [0.5] }).Validate();

        validate.Should().Throw<ArgumentException>().WithMessage("*Mean has 2 and Std has 1*");
    }

    [Fact]
    public void Validate_Defaults_AreValidOnceSizeIsSet()
    {
        Valid.Validate().Should().BeSameAs(Valid);
        Valid.HorizontalFlip.Should().Be(0.5);
        Valid.MinScale.Should().Be(1);
    }
}
