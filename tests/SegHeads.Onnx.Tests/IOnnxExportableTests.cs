using SegHeads.Backbones;
using SegHeads.Models;
using SegHeads.Onnx.Tests.Infrastructure;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests;

public sealed class IOnnxExportableTests
{
    [Fact]
    public void Export_CustomHeadImplementingTheInterface_ExportsItselfAndMatches()
    {
        var backbone = new EncoderDecoder(TestModels.SmallBackbone);
        using var model = new SegmentationModel(backbone, TanhSeparableHead.Create(backbone.OutChannels, 3));
        TestModels.Randomize(model);
        model.eval();
        using var ort = new OrtModel(OnnxExporter.ToBytes(model));
        using var scope = NewDisposeScope();
        Tensor images = randn(3, 3, 8, 12);

        TestModels.RelativeError(ort.Run(images)["logits"], TestModels.Reference(model, images)).Should().BeLessThan(1e-5);
    }

    [Fact]
    public void Export_UnknownModuleInsideACustomHead_ThrowsNotSupportedNamingItsPath()
    {
        var backbone = new EncoderDecoder(TestModels.SmallBackbone);
        TanhSeparableHead head = TanhSeparableHead.Create(backbone.OutChannels, 3);
        head.ExportTanhAsModule = true;
        using var model = new SegmentationModel(backbone, head);

        Action act = () => OnnxExporter.ToBytes(model);

        act.Should().Throw<NotSupportedException>().WithMessage($"*'head.squash'*{typeof(Tanh).FullName}*IOnnxExportable*");
    }

    [Fact]
    public void Export_UnknownBackbone_ThrowsNotSupportedNamingIt()
    {
        using var model = new SegmentationModel(new OpaqueBackbone(), SegHeads.Heads.HeadFactory.Create("linear", 3, 2));

        Action act = () => OnnxExporter.ToBytes(model);

        act.Should().Throw<NotSupportedException>().WithMessage($"*'backbone'*{nameof(OpaqueBackbone)}*");
    }

    [Theory]
    [InlineData(1, 8, 8)]
    [InlineData(3, 10, 6)]
    public void Export_CustomBackboneOfConvBlocks_MatchesEveryActivationAndNorm(int n, int h, int w)
    {
        using var model = new SegmentationModel(new BlockStackBackbone(stride: 1), SegHeads.Heads.HeadFactory.Create("linear", 8, 3));
        TestModels.Randomize(model);
        model.eval();
        using var ort = new OrtModel(OnnxExporter.ToBytes(model));
        using var scope = NewDisposeScope();
        Tensor images = randn(n, 3, h, w);

        TestModels.RelativeError(ort.Run(images)["logits"], TestModels.Reference(model, images)).Should().BeLessThan(1e-5);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(9, 5)]
    public void Export_OutputStrideTwoWithPadAndCrop_ResizesBilinearHalfPixelAndCrops(int h, int w)
    {
        using var model = new SegmentationModel(new BlockStackBackbone(stride: 2), SegHeads.Heads.HeadFactory.Create("stacked-linear:3-1@8", 8, 3), SizePolicy.PadAndCrop);
        TestModels.Randomize(model);
        model.eval();
        using var ort = new OrtModel(OnnxExporter.ToBytes(model));
        using var scope = NewDisposeScope();
        Tensor images = randn(2, 3, h, w);

        Tensor logits = ort.Run(images)["logits"];

        logits.shape.Should().Equal(2, 3, h, w);
        TestModels.RelativeError(logits, TestModels.Reference(model, images)).Should().BeLessThan(1e-5);
    }

    private sealed class OpaqueBackbone : Backbone
    {
        public OpaqueBackbone()
            : base(nameof(OpaqueBackbone)) => RegisterComponents();

        public override int InChannels => 3;

        public override int OutChannels => 3;

        public override int OutputStride => 1;

        public override int SizeDivisor => 1;

        public override Tensor forward(Tensor input) => input.alias();

        public override Backbone Clone() => new OpaqueBackbone();
    }
}
