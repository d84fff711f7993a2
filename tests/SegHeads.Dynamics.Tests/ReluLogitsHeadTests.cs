using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Reparam;
using SegHeads.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegHeads.Dynamics.Tests;

/// <summary>The ReLU-on-logits experiment head lives in this package and joins the core registry from here.</summary>
public sealed class ReluLogitsHeadTests
{
    static ReluLogitsHeadTests() => DynamicsHeads.Register();

    [Theory]
    [InlineData("relu-logits", "relu-logits:1")]
    [InlineData("relu-logits:1", "relu-logits:1")]
    [InlineData("Relu-Logits:3-3-1@16+BN", "relu-logits:3-3-1@16+bn")]
    public void Parse_ReluLogitsSpec_RoundTripsThroughTheCoreParser(string text, string canonical)
    {
        HeadSpec spec = HeadSpec.Parse(text);

        spec.Kind.Should().BeSameAs(ReluLogitsHead.Kind);
        spec.ToString().Should().Be(canonical);
        HeadSpec.Grammar.Should().Contain("relu-logits");
    }

    [Fact]
    public void Register_Twice_IsHarmless()
    {
        DynamicsHeads.Register();

        HeadRegistry.Kinds.Count(k => k.Name == "relu-logits").Should().Be(1);
    }

    [Theory]
    [InlineData("relu-logits:1", new[] { "inner.classifier.weight", "inner.classifier.bias" })]
    [InlineData("relu-logits:3-1@4", new[] { "inner.layers.0.conv.weight", "inner.layers.0.conv.bias", "inner.layers.1.conv.weight", "inner.layers.1.conv.bias" })]
    public void StateDict_Keys_WrapTheInnerHead(string spec, string[] keys)
    {
        using SegmentationHead head = HeadFactory.Create(spec, 3, 2);

        head.state_dict().Keys.Should().Equal(keys);
    }

    [Fact]
    public void Forward_IsTheInnerLogitsClippedAtZero()
    {
        using var head = (ReluLogitsHead)HeadFactory.Create("relu-logits:3-1@4", 3, 2);
        using Tensor x = randn(2, 3, 6, 6);

        using Tensor logits = head.forward(x);
        using Tensor inner = head.Inner.forward(x);

        TensorAssert.MaxAbsDiff(logits, inner.clamp_min(0)).Should().Be(0);
        head.IsLinear.Should().BeFalse();
        head.ReceptiveRadius.Should().Be(1);
        head.TryCollapse(out ConvKernel? kernel, out string? reason).Should().BeFalse();
        kernel.Should().BeNull();
        reason.Should().Contain("ReLU on the logits");
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void ToDeployed_ReluLogitsModel_KeepsTheHeadAndFusesTheBackbone()
    {
        using SegmentationModel model = SegmentationModel.Create("relu-logits:3-1@4", 3, new EncoderDecoderOptions { Depth = 2, BaseWidth = 4 });
        model.eval();
        using Tensor x = randn(1, 3, 8, 8);

        using SegmentationModel deployed = model.ToDeployed();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);

        deployed.Head.Should().BeOfType<ReluLogitsHead>();
        Fusion.BatchNormPaths(deployed).Should().BeEmpty();
        TensorAssert.MaxAbsDiff(expected, actual).Should().BeLessThan(1e-5 * Math.Max(1, TensorAssert.MaxAbs(expected)));
    }
}
