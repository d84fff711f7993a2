using SegHeads.Training;
using static TorchSharp.torch;

namespace SegHeads.Tests.Training.Fixtures;

/// <summary>Logits <c>[N, K, H, W]</c> and masks <c>[N, H, W]</c> of a reference case, as written by make_loss_references.py.</summary>
internal sealed record LossReferenceInput(long[] Shape, double[] Logits, long[] Masks)
{
    public Tensor LogitsTensor(ScalarType dtype) => tensor(Logits, Shape, dtype: dtype, requires_grad: true);

    public Tensor MasksTensor() => tensor(Masks, [Shape[0], Shape[2], Shape[3]]);
}

/// <summary>One loss on one input and smp's value for it.</summary>
internal sealed record LossReferenceCase(string Name, LossReferenceInput Input, ISegmentationLoss Loss, double Expected);
