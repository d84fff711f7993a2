"""SegHeads -> PyTorch check: loads every <name>.weights.safetensors that SegHeads wrote (model.SaveWeights)
into the PyTorch definition rebuilt from the file's metadata, with load_state_dict(strict=True), and
compares PyTorch's eval logits with SegHeads' (<name>.io.safetensors). Exits 1 on any mismatch.

    python3 interop/pytorch/check_load.py out/interop
"""
import glob
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import load_file  # noqa: E402
from segheads import SegmentationModel, load_weights  # noqa: E402

# NOTE: relative to the logits' scale; float32 convs sum in a different order in oneDNN (channels-last)
# and in PyTorch 1.13, which agree to ~1e-6 of that scale.
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-10}


def check(weights_path):
    _, metadata = load_file(weights_path)
    model = SegmentationModel.from_metadata(metadata)
    tensors, _ = load_file(weights_path)
    floating = next(t.dtype for t in tensors.values() if t.is_floating_point())
    model = model.to(floating)
    load_weights(model, weights_path)  # strict=True: raises naming missing or unexpected keys
    if list(tensors) != list(model.state_dict()):
        return False, "the file's key order differs from PyTorch's state_dict() order"
    io, _ = load_file(weights_path.replace(".weights.", ".io."))
    model.eval()
    with torch.no_grad():
        logits = model(io["input"])
    expected = io["logits"]
    if logits.shape != expected.shape or logits.dtype != expected.dtype:
        return False, f"logits {logits.dtype} {list(logits.shape)}, SegHeads wrote {expected.dtype} {list(expected.shape)}"
    diff = (logits.double() - expected.double()).abs().max().item()
    scale = max(1.0, expected.double().abs().max().item())
    ok = diff <= TOLERANCE[expected.dtype] * scale
    return ok, f"{metadata['segheads.head']} ({expected.dtype}, {len(tensors)} tensors): max |diff| {diff:.2e} (scale {scale:.2f})"


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    paths = sorted(glob.glob(os.path.join(sys.argv[1], "*.weights.safetensors")))
    if not paths:
        print(f"check_load: no *.weights.safetensors in {sys.argv[1]}", file=sys.stderr)
        return 1
    failures = 0
    for path in paths:
        try:
            ok, message = check(path)
        except Exception as e:  # a strict-load failure names the keys; report it and go on
            ok, message = False, f"{type(e).__name__}: {e}"
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {os.path.basename(path)}: {message}")
    print(f"check_load: {len(paths) - failures} of {len(paths)} SegHeads weight files reproduce their logits in PyTorch {torch.__version__}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
