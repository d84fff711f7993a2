using SegHeads.Tests.Infrastructure;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

[Collection(NonParallelGroup.Name)]
public sealed class LossMemoryTests
{
    public static TheoryData<string> Losses => ["dice", "log-dice-classes", "focal", "focal-options", "sum"];

    [Theory]
    [MemberData(nameof(Losses))]
    public void Compute_WithBackward_LeavesOnlyTheReturnedLoss(string which)
    {
        ISegmentationLoss loss = which switch
        {
            "dice" => new DiceLoss(new DiceOptions { IgnoreIndex = 255 }),
            "log-dice-classes" => new DiceLoss(new DiceOptions { IgnoreIndex = 255, LogLoss = true, Classes = [0, 2] }),
            "focal" => new FocalLoss(new FocalOptions { IgnoreIndex = 255 }),
            "focal-options" => new FocalLoss(new FocalOptions { IgnoreIndex = 255, Alpha = 0.3, Normalized = true, ReducedThreshold = 0.4 }),
            _ => new WeightedLossSum((1.0, new PixelCrossEntropy(new CrossEntropyOptions { IgnoreIndex = 255 })), (0.5, new DiceLoss(new DiceOptions { IgnoreIndex = 255 }))),
        };
        using Tensor logits = randn([2, 3, 6, 6], requires_grad: true);
        using Tensor masks = randint(0, 3, [2, 6, 6], dtype: ScalarType.Int64);
        masks[0, 0] = tensor(255L);
        DisposeScopeManager.Statistics.Reset();

        using (Tensor value = loss.Compute(logits, masks))
        {
            value.backward();
        }

        long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        {
            logits.grad!.isfinite().all().item<bool>().Should().BeTrue();
        }

        live.Should().Be(0, $"{loss.Name} must dispose every temporary");
    }
}
