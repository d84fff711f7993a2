namespace SegHeads.Onnx.Tests;

public sealed class OnnxExportOptionsTests
{
    [Fact]
    public void Validate_NoOutput_ThrowsNamingTheValue()
    {
        Action act = () => new OnnxExportOptions { Outputs = OnnxOutputs.None }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("Outputs").WithMessage("*at least one*0*");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Validate_ThresholdOutsideOpenUnitInterval_ThrowsWithTheValue(double threshold)
    {
        Action act = () => new OnnxExportOptions { MaskThreshold = threshold }.Validate();

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("MaskThreshold").WithMessage($"*{threshold}*");
    }

    [Fact]
    public void Validate_BlankInputName_Throws()
    {
        Action act = () => new OnnxExportOptions { InputName = " " }.Validate();

        act.Should().Throw<ArgumentException>().WithParameterName("InputName");
    }
}
