using SegHeads.Heads;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Heads;

/// <summary>The contract every head in the registry honours; the registry's examples drive the data.</summary>
public sealed class HeadContractTests : IDisposable
{
    private const int InChannels = 6;
    private const int Classes = 3;
    private readonly string folder = Directory.CreateTempSubdirectory("segheads-heads-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    public static TheoryData<string> Specs()
    {
        var data = new TheoryData<string>();
        foreach (HeadSpec spec in HeadRegistry.Examples)
        {
            data.Add(spec.ToString());
        }

        return data;
    }

    [Fact]
    public void Examples_CoverEveryRegisteredKind()
    {
        HeadRegistry.Examples.Select(s => s.Kind).Distinct().Should().BeEquivalentTo(HeadRegistry.Kinds);
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Forward_AnyHead_GivesLogitsOfInputSize(string spec)
    {
        using SegmentationHead head = HeadFactory.Create(spec, InChannels, Classes);
        using Tensor x = randn(2, InChannels, 9, 7);

        using Tensor y = head.forward(x);

        y.shape.Should().Equal(2, Classes, 9, 7);
        head.Spec.ToString().Should().Be(spec);
        head.InChannels.Should().Be(InChannels);
        head.NumClasses.Should().Be(Classes);
        head.ReceptiveRadius.Should().Be(HeadSpec.Parse(spec).Layers.Sum(l => l.Radius));
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Backward_AnyHead_ReachesEveryParameter(string spec)
    {
        using SegmentationHead head = HeadFactory.Create(spec, InChannels, Classes);
        using var scope = NewDisposeScope();
        Tensor x = randn(2, InChannels, 8, 8);

        // A sum of squares keeps gradients alive through a ReLU on the logits wherever a logit is positive.
        head.forward(x).pow(2).sum().backward();

        foreach (var (name, p) in head.named_parameters())
        {
            using Tensor? grad = p.grad;
            grad.Should().NotBeNull($"parameter {name} of {spec} should receive a gradient");
            grad!.abs().sum().item<float>().Should().BeGreaterThan(0, $"parameter {name} of {spec} should receive a non-zero gradient");
        }
    }

    [Theory]
    [InlineData("linear", new[] { "classifier.weight", "classifier.bias" })]
    [InlineData("stacked-linear:3-3-1@16", new[] { "layers.0.conv.weight", "layers.0.conv.bias", "layers.1.conv.weight", "layers.1.conv.bias", "layers.2.conv.weight", "layers.2.conv.bias" })]
    [InlineData("stacked-linear:3-1@16+bn+pad-once", new[] { "layers.0.conv.weight", "layers.0.norm.weight", "layers.0.norm.bias", "layers.1.conv.weight", "layers.1.conv.bias", "layers.0.norm.running_mean", "layers.0.norm.running_var", "layers.0.norm.num_batches_tracked" })]
    [InlineData("activated:3-1@16+gn", new[] { "layers.0.conv.weight", "layers.0.norm.weight", "layers.0.norm.bias", "layers.1.conv.weight", "layers.1.conv.bias" })]
    // NOTE: TorchSharp lists all parameters before all buffers (PyTorch interleaves per module);
    // the order is part of the file format, so it is pinned as TorchSharp writes it.
    public void StateDict_Keys_AreStable(string spec, string[] keys)
    {
        using SegmentationHead head = HeadFactory.Create(spec, InChannels, Classes);

        head.state_dict().Keys.Should().Equal(keys);
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void SaveLoad_AnyHead_RoundTripsOutputs(string spec)
    {
        string path = Path.Combine(folder, "head.bin");
        using SegmentationHead original = HeadFactory.Create(spec, InChannels, Classes);
        using (no_grad())
        {
            foreach (var (_, buffer) in original.named_buffers())
            {
                if (buffer.is_floating_point())
                {
                    buffer.add_(0.25);
                }
            }
        }

        original.eval();
        original.save(path);
        using SegmentationHead restored = HeadFactory.Create(spec, InChannels, Classes);
        restored.load(path);
        restored.eval();
        using Tensor x = randn(1, InChannels, 6, 6);

        using Tensor a = original.forward(x);
        using Tensor b = restored.forward(x);

        a.allclose(b, rtol: 0, atol: 0).Should().BeTrue();
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Forward_WrongChannelCount_ThrowsWithShapes(string spec)
    {
        using SegmentationHead head = HeadFactory.Create(spec, InChannels, Classes);
        using Tensor x = randn(2, InChannels + 1, 8, 8);

        Action forward = () => head.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage($"*expects {InChannels} input channels*got {InChannels + 1}*[2, {InChannels + 1}, 8, 8]*");
    }

    [Theory]
    [InlineData(new long[] { 6, 8, 8 })]
    [InlineData(new long[] { 1, 1, 6, 8, 8 })]
    [InlineData(new long[] { 6 })]
    public void Forward_WrongRank_ThrowsWithShape(long[] shape)
    {
        using SegmentationHead head = HeadFactory.Create("stacked-linear:3-3-1@8", InChannels, Classes);
        using Tensor x = randn(shape);

        Action forward = () => head.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage($"*4-D*rank {shape.Length}*[{string.Join(", ", shape)}]*");
    }

    [Fact]
    public void Forward_EmptyBatch_ThrowsWithShape()
    {
        using SegmentationHead head = HeadFactory.Create("linear", InChannels, Classes);
        using Tensor x = randn(0, InChannels, 8, 8);

        Action forward = () => head.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*[0, 6, 8, 8]*");
    }

    [Fact]
    public void Forward_IntegerInput_ThrowsWithDtype()
    {
        using SegmentationHead head = HeadFactory.Create("linear", InChannels, Classes);
        using Tensor x = zeros([1, InChannels, 4, 4], dtype: ScalarType.Int64);

        Action forward = () => head.forward(x);

        forward.Should().Throw<ArgumentException>().WithMessage("*floating-point*Int64*");
    }

    [Theory]
    [InlineData(0, 3, "inChannels")]
    [InlineData(4, 0, "numClasses")]
    [InlineData(-2, 3, "inChannels")]
    public void Create_NonPositiveSizes_ThrowsNamingTheValue(int inChannels, int classes, string parameter)
    {
        Action create = () => HeadFactory.Create("stacked-linear:3-3-1@8", inChannels, classes);

        create.Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be(parameter);
    }

    [Fact]
    public void Create_BadSpecString_ThrowsWithGrammar()
    {
        Action create = () => HeadFactory.Create("stacked-linear:3-3-1@64+relu", 4, 2);

        create.Should().Throw<FormatException>().WithMessage("*'+relu'*Grammar*");
    }
}
