using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SegHeads.Benchmarks;

/// <summary>
/// The reference architecture written plainly in TorchSharp, without SegHeads: what the issue
/// calls "the same model written plainly" (no input validation, no nested dispose scopes). Used
/// by <c>profile</c> to separate library overhead from TorchSharp's.
/// </summary>
internal sealed class PlainUNet : nn.Module<Tensor, Tensor>
{
    private readonly ModuleList<Sequential> encoders = new();
    private readonly ModuleList<ConvTranspose2d> upsamplers = new();
    private readonly ModuleList<Sequential> decoders = new();
    private readonly Sequential head;

    public PlainUNet(int baseWidth, int depth, int headWidth, int classes, bool inplaceRelu)
        : base(nameof(PlainUNet))
    {
        int channels = 3;
        for (int level = 0; level < depth; level++)
        {
            int width = baseWidth << level;
            encoders.Add(DoubleConv(channels, width, inplaceRelu));
            channels = width;
        }

        for (int level = depth - 2; level >= 0; level--)
        {
            int width = baseWidth << level;
            upsamplers.Add(nn.ConvTranspose2d(width * 2, width, 2, stride: 2));
            decoders.Add(DoubleConv(2 * width, width, inplaceRelu));
        }

        head = nn.Sequential(
            nn.Conv2d(baseWidth, headWidth, 3, padding: 1),
            nn.Conv2d(headWidth, headWidth, 3, padding: 1),
            nn.Conv2d(headWidth, classes, 1));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var skips = new List<Tensor>();
        Tensor x = input;
        for (int level = 0; level < encoders.Count; level++)
        {
            x = encoders[level].forward(x);
            if (level < encoders.Count - 1)
            {
                skips.Add(x);
                x = nn.functional.max_pool2d(x, 2);
            }
        }

        for (int j = 0; j < decoders.Count; j++)
        {
            Tensor up = upsamplers[j].forward(x);
            x = decoders[j].forward(cat([skips[^(j + 1)], up], 1));
        }

        return head.forward(x);
    }

    private static Sequential DoubleConv(int cin, int cout, bool inplace) => nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding: 1, bias: false), nn.BatchNorm2d(cout), nn.ReLU(inplace),
        nn.Conv2d(cout, cout, 3, padding: 1, bias: false), nn.BatchNorm2d(cout), nn.ReLU(inplace));
}
