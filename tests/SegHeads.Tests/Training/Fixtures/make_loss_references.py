#!/usr/bin/env python3
"""Writes LossReferences.cs: fixed inputs and the Dice and focal losses that
segmentation_models.pytorch (smp) defines for them, computed in float64 with plain torch.

The two functions below restate smp's definitions (losses/dice.py with soft_dice_score, and
losses/focal.py with focal_loss_with_logits; modes "multiclass" and "binary", from_logits=True
unless stated) without importing smp, so that only torch is needed:

    apt-get install -y python3-torch     # PyTorch 1.13 on Debian 12
    /usr/bin/python3 make_loss_references.py > LossReferences.cs
"""
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)


def smp_dice(y_pred, y_true, mode, classes=None, log_loss=False, from_logits=True, smooth=0.0,
             ignore_index=None, eps=1e-7):
    if from_logits:
        y_pred = y_pred.log_softmax(dim=1).exp() if mode == "multiclass" else F.logsigmoid(y_pred).exp()
    n, k = y_true.size(0), y_pred.size(1)
    if mode == "binary":
        assert classes is None
        y_true = y_true.view(n, 1, -1)
        y_pred = y_pred.view(n, 1, -1)
        if ignore_index is not None:
            keep = y_true != ignore_index
            y_pred = y_pred * keep
            y_true = y_true * keep
    else:
        y_true = y_true.view(n, -1)
        y_pred = y_pred.view(n, k, -1)
        if ignore_index is not None:
            keep = y_true != ignore_index
            y_pred = y_pred * keep.unsqueeze(1)
            y_true = F.one_hot((y_true * keep).long(), k).permute(0, 2, 1) * keep.unsqueeze(1)
        else:
            y_true = F.one_hot(y_true, k).permute(0, 2, 1)
    y_true = y_true.type_as(y_pred)
    dims = (0, 2)
    # soft_dice_score
    intersection = torch.sum(y_pred * y_true, dim=dims)
    cardinality = torch.sum(y_pred + y_true, dim=dims)
    score = (2.0 * intersection + smooth) / (cardinality + smooth).clamp_min(eps)
    loss = -torch.log(score.clamp_min(eps)) if log_loss else 1.0 - score
    loss = loss * (y_true.sum(dims) > 0).to(loss.dtype)   # absent classes contribute 0
    if classes is not None:
        loss = loss[torch.tensor(classes, dtype=torch.long)]
    return loss.mean()


def smp_focal_with_logits(output, target, gamma=2.0, alpha=0.25, reduction="mean", normalized=False,
                          reduced_threshold=None, eps=1e-6):
    target = target.type(output.type())
    logpt = F.binary_cross_entropy_with_logits(output, target, reduction="none")
    pt = torch.exp(-logpt)
    if reduced_threshold is None:
        focal_term = (1.0 - pt).pow(gamma)
    else:
        focal_term = ((1.0 - pt) / reduced_threshold).pow(gamma)
        focal_term[pt < reduced_threshold] = 1
    loss = focal_term * logpt
    if alpha is not None:
        loss = loss * (alpha * target + (1 - alpha) * (1 - target))
    if normalized:
        loss = loss / focal_term.sum().clamp_min(eps)
    return loss.mean() if reduction == "mean" else loss.sum()


def smp_focal(y_pred, y_true, mode, alpha=None, gamma=2.0, ignore_index=None, reduction="mean",
              normalized=False, reduced_threshold=None):
    fn = lambda z, t: smp_focal_with_logits(z, t, gamma=gamma, alpha=alpha, reduction=reduction,
                                            normalized=normalized, reduced_threshold=reduced_threshold)
    if mode == "binary":
        y_true, y_pred = y_true.reshape(-1), y_pred.reshape(-1)
        if ignore_index is not None:
            keep = y_true != ignore_index
            y_pred, y_true = y_pred[keep], y_true[keep]
        return fn(y_pred, y_true)
    loss = 0
    keep = y_true != ignore_index if ignore_index is not None else None
    for c in range(y_pred.size(1)):   # one-vs-rest sigmoid focal per class, summed
        t, z = (y_true == c).long(), y_pred[:, c, ...]
        if keep is not None:
            t, z = t[keep], z[keep]
        loss = loss + fn(z, t)
    return loss


gen = torch.Generator().manual_seed(20261125)
logits3 = torch.randn(2, 3, 3, 4, generator=gen) * 2
labels3 = torch.randint(0, 3, (2, 3, 4), generator=gen)
ignored3 = labels3.clone()
ignored3[0, 0, 0] = ignored3[0, 2, 3] = ignored3[1, 1, 2] = 255
absent3 = labels3.clone()
absent3[absent3 == 1] = 2
absent3[1, 0, 1] = 255
logits1 = torch.randn(2, 1, 3, 4, generator=gen) * 2
labels1 = torch.randint(0, 2, (2, 3, 4), generator=gen)
ignored1 = labels1.clone()
ignored1[0, 1, 1] = ignored1[1, 2, 0] = 255
zeros1 = torch.zeros(2, 3, 4, dtype=torch.long)

inputs = {
    "Multiclass": (logits3, labels3), "MulticlassIgnored": (logits3, ignored3),
    "MulticlassAbsent": (logits3, absent3), "Binary": (logits1, labels1),
    "BinaryIgnored": (logits1, ignored1), "BinaryEmpty": (logits1, zeros1),
}
probabilities3 = logits3.softmax(1)

# (case name, input, C# options, reference value)
dice = [
    ("multiclass", "Multiclass", "new DiceOptions()", smp_dice(logits3, labels3, "multiclass")),
    ("multiclass, ignored", "MulticlassIgnored", "new DiceOptions { IgnoreIndex = 255 }", smp_dice(logits3, ignored3, "multiclass", ignore_index=255)),
    ("multiclass, smooth 1", "MulticlassIgnored", "new DiceOptions { IgnoreIndex = 255, Smooth = 1 }", smp_dice(logits3, ignored3, "multiclass", smooth=1.0, ignore_index=255)),
    ("multiclass, log", "MulticlassIgnored", "new DiceOptions { IgnoreIndex = 255, LogLoss = true }", smp_dice(logits3, ignored3, "multiclass", log_loss=True, ignore_index=255)),
    ("multiclass, classes 0 2", "MulticlassIgnored", "new DiceOptions { IgnoreIndex = 255, Classes = [0, 2] }", smp_dice(logits3, ignored3, "multiclass", classes=[0, 2], ignore_index=255)),
    ("multiclass, probabilities", "Multiclass", "new DiceOptions { FromLogits = false }", smp_dice(probabilities3, labels3, "multiclass", from_logits=False)),
    ("multiclass, absent class", "MulticlassAbsent", "new DiceOptions { IgnoreIndex = 255 }", smp_dice(logits3, absent3, "multiclass", ignore_index=255)),
    ("multiclass, absent class, log, smooth", "MulticlassAbsent", "new DiceOptions { IgnoreIndex = 255, LogLoss = true, Smooth = 0.5 }", smp_dice(logits3, absent3, "multiclass", log_loss=True, smooth=0.5, ignore_index=255)),
    ("multiclass, absent class selected", "MulticlassAbsent", "new DiceOptions { IgnoreIndex = 255, Classes = [1, 2] }", smp_dice(logits3, absent3, "multiclass", classes=[1, 2], ignore_index=255)),
    ("binary", "Binary", "new DiceOptions()", smp_dice(logits1, labels1, "binary")),
    ("binary, ignored", "BinaryIgnored", "new DiceOptions { IgnoreIndex = 255 }", smp_dice(logits1, ignored1, "binary", ignore_index=255)),
    ("binary, smooth 1, log", "BinaryIgnored", "new DiceOptions { IgnoreIndex = 255, Smooth = 1, LogLoss = true }", smp_dice(logits1, ignored1, "binary", smooth=1.0, log_loss=True, ignore_index=255)),
    ("binary, no positives", "BinaryEmpty", "new DiceOptions()", smp_dice(logits1, zeros1, "binary")),
]

focal = []
for mode, plain, ignored in (("multiclass", "Multiclass", "MulticlassIgnored"), ("binary", "Binary", "BinaryIgnored")):
    z, y = inputs[plain]
    zi, yi = inputs[ignored]
    focal += [
        (f"{mode}", plain, "new FocalOptions()", smp_focal(z, y, mode)),
        (f"{mode}, ignored", ignored, "new FocalOptions { IgnoreIndex = 255 }", smp_focal(zi, yi, mode, ignore_index=255)),
        (f"{mode}, alpha 0.25", ignored, "new FocalOptions { IgnoreIndex = 255, Alpha = 0.25 }", smp_focal(zi, yi, mode, alpha=0.25, ignore_index=255)),
        (f"{mode}, gamma 0", ignored, "new FocalOptions { IgnoreIndex = 255, Gamma = 0 }", smp_focal(zi, yi, mode, gamma=0.0, ignore_index=255)),
        (f"{mode}, gamma 1.5, alpha 0.75", plain, "new FocalOptions { Gamma = 1.5, Alpha = 0.75 }", smp_focal(z, y, mode, gamma=1.5, alpha=0.75)),
        (f"{mode}, normalized", ignored, "new FocalOptions { IgnoreIndex = 255, Normalized = true }", smp_focal(zi, yi, mode, normalized=True, ignore_index=255)),
        (f"{mode}, reduced 0.5, sum", ignored, "new FocalOptions { IgnoreIndex = 255, ReducedThreshold = 0.5, Reduction = FocalReduction.Sum }",
         smp_focal(zi, yi, mode, reduced_threshold=0.5, reduction="sum", ignore_index=255)),
    ]


def cs_doubles(t):
    return ", ".join(repr(float(v)) for v in t.flatten().tolist())


def cs_longs(t):
    return ", ".join(str(int(v)) for v in t.flatten().tolist())


out = ["// <auto-generated>Written by make_loss_references.py (PyTorch " + torch.__version__ + "); do not edit.</auto-generated>",
       "using SegHeads.Training;", "", "namespace SegHeads.Tests.Training.Fixtures;", "",
       "/// <summary>Inputs and smp's Dice and focal losses for them, computed in float64 by make_loss_references.py.</summary>",
       "internal static class LossReferences", "{"]
for name, (z, y) in inputs.items():
    shape = ", ".join(str(s) for s in z.shape)
    out.append(f"    public static readonly LossReferenceInput {name} = new([{shape}], [{cs_doubles(z)}], [{cs_longs(y)}]);")
    out.append("")
for title, cases in (("Dice", dice), ("Focal", focal)):
    out.append(f"    public static readonly LossReferenceCase[] {title} =")
    out.append("    [")
    for case, inp, options, value in cases:
        loss = f"new {title}Loss({options})"
        out.append(f"        new(\"{case}\", {inp}, {loss}, {repr(float(value))}),")
    out.append("    ];")
    out.append("")
out[-1] = "}"
print("\n".join(out))
