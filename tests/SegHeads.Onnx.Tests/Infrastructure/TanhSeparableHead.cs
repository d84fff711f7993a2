using SegHeads.Heads;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Onnx.Tests.Infrastructure;

/// <summary>
/// A head kind SegHeads does not ship, defined as a user would: depthwise 3x3 conv → tanh → 1x1
/// conv. It exports itself: tanh has no built-in mapping, the convs use the built-in ones. With
/// <see cref="ExportTanhAsModule"/> it hands its tanh module to the builder instead, which must fail.
/// </summary>
internal sealed class TanhSeparableHead : SegmentationHead, IOnnxExportable
{
    public static readonly HeadKind Kind = HeadRegistry.Register(new("onnx-test-tanh-separable", "depthwise 3x3, tanh, 1x1 (ONNX export tests)", (spec, c, k) => new TanhSeparableHead(spec, c, k)));

    private readonly Conv2d depthwise;
    private readonly Tanh squash;
    private readonly Conv2d pointwise;

    private TanhSeparableHead(HeadSpec spec, int inChannels, int numClasses)
        : base(nameof(TanhSeparableHead), spec, inChannels, numClasses)
    {
        depthwise = nn.Conv2d(inChannels, inChannels, 3, padding: 1, groups: inChannels);
        squash = nn.Tanh();
        pointwise = nn.Conv2d(inChannels, numClasses, 1);
        RegisterComponents();
    }

    public bool ExportTanhAsModule { get; set; }

    public override int ReceptiveRadius => 1;

    public static TanhSeparableHead Create(int inChannels, int numClasses) =>
        (TanhSeparableHead)HeadFactory.Create(HeadSpec.Parse(Kind.Name), inChannels, numClasses);

    public void Export(OnnxGraphBuilder graph, string input, string output)
    {
        string spatial = graph.NewName("depthwise_out");
        graph.AddModule(depthwise, "depthwise", input, spatial);
        string squashed = graph.NewName("squash_out");
        if (ExportTanhAsModule)
        {
            graph.AddModule(squash, "squash", spatial, squashed);
        }
        else
        {
            graph.AddNode("Tanh", [spatial], [squashed]);
        }

        graph.AddModule(pointwise, "pointwise", squashed, output);
    }

    protected override Tensor ComputeLogits(Tensor features)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(pointwise.forward(squash.forward(depthwise.forward(features))));
    }
}
