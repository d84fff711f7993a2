using SegHeads.Backbones;
using SegHeads.Blocks;
using SegHeads.Data;
using SegHeads.Heads;
using SegHeads.Models;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Extensibility.Tests;

/// <summary>A head kind defined in this assembly works everywhere a built-in one does, through the public registry only.</summary>
public sealed class ExternalHeadKindTests
{
    private static readonly EncoderDecoderOptions Small = new() { Depth = 2, BaseWidth = 8 };

    static ExternalHeadKindTests() => HeadRegistry.Register(SeparableLinearHead.Kind);

    [Fact]
    public void Register_ExternalKind_JoinsKindsExamplesAndGrammar()
    {
        HeadRegistry.Kinds.Should().Contain(SeparableLinearHead.Kind);
        HeadRegistry.Examples.Select(s => s.ToString()).Should().Contain("separable-linear:5");
        HeadSpec.Grammar.Should().Contain("separable-linear").And.Contain("depthwise");
    }

    [Theory]
    [InlineData("separable-linear:5", "separable-linear:5")]
    [InlineData("  Separable-Linear ", "separable-linear:3")]
    public void Parse_ExternalSpec_RoundTripsItsCanonicalString(string text, string canonical)
    {
        HeadSpec spec = HeadSpec.Parse(text);

        spec.Kind.Should().BeSameAs(SeparableLinearHead.Kind);
        spec.ToString().Should().Be(canonical);
        HeadSpec.Parse(spec.ToString()).Should().Be(spec);
    }

    [Theory]
    [InlineData("separable-linear:3-1@8", "takes one depthwise kernel size")]
    [InlineData("separable-linear:4", "'4'")]
    [InlineData("separable-linear+bn", "'+bn' does not apply to 'separable-linear'")]
    public void Parse_BadExternalSpec_FailsWithTheKindsOwnReason(string text, string reason)
    {
        Action parse = () => HeadSpec.Parse(text);

        parse.Should().Throw<FormatException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void Register_SecondKindWithTheSameName_Throws()
    {
        var impostor = new HeadKind("separable-linear", "another", (spec, c, k) => throw new InvalidOperationException());

        Action register = () => HeadRegistry.Register(impostor);

        register.Should().Throw<ArgumentException>().WithMessage("*'separable-linear' is already registered*");
    }

    [Fact]
    public void Register_KindWhoseExamplesDoNotParse_ThrowsAndStaysUnregistered()
    {
        var broken = new HeadKind("broken-example", "bad", (spec, c, k) => throw new InvalidOperationException()) { Examples = ["broken-example:3"] };

        Action register = () => HeadRegistry.Register(broken);

        register.Should().Throw<ArgumentException>().WithMessage("*broken-example*takes no layers*");
        HeadRegistry.TryGet("broken-example", out _).Should().BeFalse();
    }

    [Fact]
    [Trait("Category", "Equivalence")]
    public void ExternalHead_TrainsThroughTheTrainerAndDeploysExactly()
    {
        using SegmentationModel model = SegmentationModel.Create("separable-linear:5", 3, Small);
        InMemoryDataset data = ToyShapes.Generate(new ToyShapesOptions { ImageSize = 16, Count = 16, NumClasses = 3, Seed = 1 });
        using var trainer = new Trainer(model, new TrainerOptions { Steps = 4, BatchSize = 4, EvaluateEvery = 0, LearningRate = 1e-2 });

        TrainingHistory history = trainer.Fit(data);

        model.Head.Should().BeOfType<SeparableLinearHead>();
        history.Steps.Should().HaveCount(4);
        history.Steps.Should().OnlyContain(s => double.IsFinite(s.Loss));

        model.eval();
        using Tensor x = randn(2, 3, 12, 8);
        using SegmentationModel deployed = model.ToDeployed();
        using Tensor expected = model.forward(x);
        using Tensor actual = deployed.forward(x);

        deployed.Head.Should().BeOfType<StackedLinearHead>().Which.Spec.ToString().Should().Be("stacked-linear:5");
        Fusion.BatchNormPaths(deployed).Should().BeEmpty();
        double scale = Math.Max(1, expected.abs().max().ToDouble());
        (expected - actual).abs().max().ToDouble().Should().BeLessThan(1e-5 * scale);
    }
}
