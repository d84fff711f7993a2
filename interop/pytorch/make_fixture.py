"""Writes the golden fixture that SegHeads' tests load without Python (PyTorch -> SegHeads).

For each case: a small model of segheads.py with random weights and randomised BatchNorm/GroupNorm
statistics and affine parameters, its weights (<name>.weights.safetensors, with the metadata C#'s
SaveWeights writes) and an input with PyTorch's eval-mode logits (<name>.io.safetensors).

    python3 interop/pytorch/make_fixture.py [--out tests/SegHeads.Tests/Interop/Fixtures]
"""
import argparse
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402
from segheads import SegmentationModel, save_weights  # noqa: E402

# name, head spec, classes, backbone (in, base width, depth, norm), size policy, input shape, dtype
CASES = [
    ("stacked-bn-pad-once", "stacked-linear:3-3-1@8+bn+pad-once", 3, (3, 4, 3, "batch"), "strict", (2, 3, 16, 16), torch.float32),
    ("branched-bn-pad-each-f64", "branched-linear:3-3-1@4+bn", 3, (3, 2, 3, "batch"), "strict", (1, 3, 12, 20), torch.float64),
    ("activated-gn-pad-and-crop", "activated:3-1@8+gn+pad-once", 2, (3, 4, 2, "group"), "pad-and-crop", (2, 3, 13, 11), torch.float32),
    ("branched-valid-no-norm", "branched-linear:5x5,1x5,5x1-1@4+pad-once", 4, (2, 4, 2, None), "strict", (1, 2, 10, 14), torch.float32),
    ("linear", "linear", 5, (3, 4, 2, "batch"), "strict", (1, 3, 8, 8), torch.float32),
]


def randomise(model, generator):
    """Random weights, and norm statistics far from their defaults, so a wrong mapping cannot pass."""
    with torch.no_grad():
        for module in model.modules():
            if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * 0.3)
                if module.bias is not None:
                    module.bias.copy_(torch.randn(module.bias.shape, generator=generator) * 0.1)
            if isinstance(module, (nn.BatchNorm2d, nn.GroupNorm)):
                module.weight.copy_(1 + 0.3 * torch.randn(module.weight.shape, generator=generator))
                module.bias.copy_(0.2 * torch.randn(module.bias.shape, generator=generator))
            if isinstance(module, nn.BatchNorm2d):
                module.running_mean.copy_(0.2 * torch.randn(module.running_mean.shape, generator=generator))
                module.running_var.copy_(0.5 + torch.rand(module.running_var.shape, generator=generator))
                module.num_batches_tracked.fill_(int(torch.randint(1, 1000, (1,), generator=generator)))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "..", "tests", "SegHeads.Tests", "Interop", "Fixtures")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=default_out)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    for i, (name, spec, classes, (cin, width, depth, norm), policy, shape, dtype) in enumerate(CASES):
        generator = torch.Generator().manual_seed(1234 + i)
        model = SegmentationModel.create(spec, classes, in_channels=cin, base_width=width, depth=depth, norm=norm, size_policy=policy)
        randomise(model, generator)
        model = model.to(dtype).eval()
        images = torch.randn(shape, generator=generator).to(dtype)
        with torch.no_grad():
            logits = model(images)
        save_weights(model, os.path.join(args.out, f"{name}.weights.safetensors"), model.metadata())
        save_file({"input": images, "logits": logits}, os.path.join(args.out, f"{name}.io.safetensors"),
                  {"torch": torch.__version__})
        print(f"{name}: {spec}, {sum(t.numel() for t in model.state_dict().values())} values, logits {list(logits.shape)} {dtype}")


if __name__ == "__main__":
    main()
