using SegHeads.Tests.Training.Fixtures;
using SegHeads.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training;

/// <summary>Dice and focal against values that PyTorch computed with smp's definitions (Fixtures/make_loss_references.py).</summary>
public sealed class LossReferenceTests
{
    public static TheoryData<string> DiceCases => [.. LossReferences.Dice.Select(c => c.Name)];

    public static TheoryData<string> FocalCases => [.. LossReferences.Focal.Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(DiceCases))]
    public void Dice_MatchesSmpReference(string name) => Check(LossReferences.Dice.Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(FocalCases))]
    public void Focal_MatchesSmpReference(string name) => Check(LossReferences.Focal.Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(DiceCases))]
    public void Dice_Float32_MatchesSmpReferenceClosely(string name) => CheckFloat32(LossReferences.Dice.Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(FocalCases))]
    public void Focal_Float32_MatchesSmpReferenceClosely(string name) => CheckFloat32(LossReferences.Focal.Single(c => c.Name == name));

    private static void Check(LossReferenceCase c)
    {
        using Tensor logits = c.Input.LogitsTensor(float64);
        using Tensor masks = c.Input.MasksTensor();
        using Tensor probabilities = logits.softmax(1);
        bool fromProbabilities = c.Loss is DiceLoss { Options.FromLogits: false };

        using Tensor loss = c.Loss.Compute(fromProbabilities ? probabilities : logits, masks);

        loss.ToDouble().Should().BeApproximately(c.Expected, 1e-9, c.Name);
    }

    private static void CheckFloat32(LossReferenceCase c)
    {
        using Tensor logits = c.Input.LogitsTensor(float32);
        using Tensor masks = c.Input.MasksTensor();
        using Tensor probabilities = logits.softmax(1);
        bool fromProbabilities = c.Loss is DiceLoss { Options.FromLogits: false };

        using Tensor loss = c.Loss.Compute(fromProbabilities ? probabilities : logits, masks);

        // NOTE: float32 sums of 24 terms round at ~1e-7 relative; the reference is float64.
        loss.ToDouble().Should().BeApproximately(c.Expected, 1e-6 * Math.Max(1, Math.Abs(c.Expected)), c.Name);
    }
}
