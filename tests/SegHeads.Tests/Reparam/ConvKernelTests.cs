using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Reparam;

public sealed class ConvKernelTests
{
    [Fact]
    public void Create_RectangularKernel_ExposesPerAxisSizesAndPaddings()
    {
        using var kernel = new ConvKernel(zeros(4, 2, 1, 5), null, 0, 2);

        kernel.KernelHeight.Should().Be(1);
        kernel.KernelWidth.Should().Be(5);
        kernel.PaddingHeight.Should().Be(0);
        kernel.PaddingWidth.Should().Be(2);
    }

    [Fact]
    public void KernelSize_RectangularKernel_ThrowsNamingBothSizes()
    {
        using var kernel = new ConvKernel(zeros(4, 2, 1, 3), null, 0);

        Func<int> read = () => kernel.KernelSize;

        read.Should().Throw<InvalidOperationException>().WithMessage("*1x3*KernelHeight*KernelWidth*");
    }

    [Fact]
    public void Padding_DifferentPerAxis_ThrowsNamingBothPaddings()
    {
        using var kernel = new ConvKernel(zeros(4, 2, 3, 1), null, 1, 0);

        Func<int> read = () => kernel.Padding;

        read.Should().Throw<InvalidOperationException>().WithMessage("*1 rows and 0 columns*");
    }

    [Fact]
    public void SquareKernel_KernelSizeAndPadding_StillWork()
    {
        using var kernel = new ConvKernel(zeros(4, 2, 3, 3), null, 1);

        kernel.KernelSize.Should().Be(3);
        kernel.Padding.Should().Be(1);
    }

    [Theory]
    [InlineData(3, 2)]
    [InlineData(2, 3)]
    public void Create_EvenSideOfRectangle_ThrowsWithShape(int height, int width)
    {
        Action create = () => _ = new ConvKernel(zeros(2, 3, height, width), null, 0);

        create.Should().Throw<ArgumentException>().WithMessage($"*odd kh and kw*[2, 3, {height}, {width}]*");
    }

    [Fact]
    public void Create_NegativePaddingWidth_ThrowsWithValue()
    {
        Action create = () => _ = new ConvKernel(zeros(2, 3, 1, 3), null, 0, -1);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("paddingWidth");
    }

    [Fact]
    public void Create_BiasOfOtherDtype_ThrowsWithBothDtypes()
    {
        Action create = () => _ = new ConvKernel(zeros(2, 3, 1, 3, dtype: float64), zeros(2), 0);

        create.Should().Throw<ArgumentException>().WithMessage("*Float64*Float32*");
    }

    [Fact]
    public void FromConv_RectangularConvWithPerAxisPadding_AppliesLikeTheConv()
    {
        var generator = new Generator(3);
        using var conv = nn.Conv2d(3, 4, (1, 5), padding: (0, 2), dtype: float64);
        using Tensor x = randn([2, 3, 4, 7], dtype: float64, generator: generator);

        using ConvKernel kernel = ConvKernel.FromConv(conv);
        using Tensor expected = conv.forward(x);
        using Tensor actual = kernel.Apply(x);

        kernel.PaddingHeight.Should().Be(0);
        kernel.PaddingWidth.Should().Be(2);
        actual.shape.Should().Equal(2, 4, 4, 7);
        TensorAssert.MaxAbsDiff(expected, actual).Should().Be(0);
    }

    [Fact]
    public void FromConv_SamePaddingType_PadsHalfTheKernelPerAxis()
    {
        using var conv = nn.Conv2d(3, 4, (3, 5), padding: TorchSharp.Padding.Same);

        using ConvKernel kernel = ConvKernel.FromConv(conv);

        kernel.PaddingHeight.Should().Be(1);
        kernel.PaddingWidth.Should().Be(2);
    }

    [Fact]
    public void FromConv_ReflectPadding_ThrowsNamingTheMode()
    {
        using var conv = nn.Conv2d(3, 4, 3, padding: 1, padding_mode: PaddingModes.Reflect);

        Action read = () => ConvKernel.FromConv(conv);

        read.Should().Throw<ArgumentException>().WithMessage("*zero padding*Reflect*");
    }

    [Fact]
    public void Apply_RectangleLargerThanPaddedInput_ThrowsWithShape()
    {
        using var kernel = new ConvKernel(zeros(2, 3, 5, 1), null, 1, 0);
        using Tensor x = zeros(1, 3, 2, 4);

        Action apply = () => kernel.Apply(x);

        apply.Should().Throw<ArgumentException>().WithMessage("*5x1*H of at least 3*[1, 3, 2, 4]*");
    }

    [Fact]
    public void Apply_InputOfOtherDtype_ThrowsWithBothDtypes()
    {
        using var kernel = new ConvKernel(zeros(2, 3, 1, 1), null, 0);
        using Tensor x = zeros([1, 3, 2, 2], dtype: float64);

        Action apply = () => kernel.Apply(x);

        apply.Should().Throw<ArgumentException>().WithMessage("*Float32*Float64*");
    }

    [Fact]
    public void WithPaddingAndTo_RectangularKernel_KeepWeightsAndPerAxisPadding()
    {
        var generator = new Generator(4);
        using var kernel = RandomKernels.Kernel(2, 3, (3, 5), 1, 2, float64, generator);

        using ConvKernel moved = kernel.WithPadding(0, 1);
        using ConvKernel single = moved.To(ScalarType.Float32);

        moved.PaddingHeight.Should().Be(0);
        moved.PaddingWidth.Should().Be(1);
        single.Weight.dtype.Should().Be(ScalarType.Float32);
        single.PaddingWidth.Should().Be(1);
        TensorAssert.MaxAbsDiff(kernel.Weight, single.Weight).Should().BeLessThan(1e-6);
    }

    [Fact]
    public void CopyTo_RectangularConv_CopiesWeightAndBias()
    {
        var generator = new Generator(6);
        using var kernel = RandomKernels.Kernel(4, 3, (5, 3), 2, 1, float32, generator);
        using var conv = nn.Conv2d(3, 4, (5, 3), padding: (2, 1));
        using Tensor x = randn([1, 3, 6, 6], generator: generator);

        kernel.CopyTo(conv);
        using Tensor expected = kernel.Apply(x);
        using Tensor actual = conv.forward(x);

        TensorAssert.MaxAbsDiff(kernel.Weight, conv.weight!).Should().Be(0);
        TensorAssert.MaxAbsDiff(kernel.Bias, conv.bias!).Should().Be(0);
        // NOTE: Apply runs channels-last and the bare conv NCHW: other kernels, so float rounding only.
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-5);
    }
}
