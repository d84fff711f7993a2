#!/usr/bin/env python3
"""PyTorch reference for the SegHeads training-step benchmark.

Builds the same architecture as SegHeads' SegmentationModel.Create(head, K, widths) and times the
same step as SegHeads' Trainer (batch gather by index_select, zero_grad, forward, per-pixel
cross-entropy, loss.item(), backward, Adam step), printing one RESULT row per configuration in
the same format as `SegHeads.Benchmarks train`, so benchmarks/run_vs_pytorch.sh can pair them.

Architecture (EncoderDecoder + ConvStackHead):
  encoder level i: [Conv3x3(no bias) -> BatchNorm2d -> ReLU] x 2, widths w_i = base * 2^i,
                   2x2 max-pool between levels;
  decoder: ConvTranspose2d(k=2, s=2) w_{i+1} -> w_i, concat(skip, up), double conv 2*w_i -> w_i;
  head "stacked-linear:k1-k2-..@W[+bn][+pad-once]": convs with bias, padding k//2 (or one pad of
  the total radius up front with pad-once), optional BatchNorm after hidden convs, no activation,
  last conv to K classes; "activated:...": hidden conv -> [BN] -> ReLU; "linear": one 1x1 conv.
Initialisation: PyTorch's module defaults, which TorchSharp's match (kaiming_uniform(a=sqrt 5),
bias uniform +-1/sqrt(fan_in), BN weight 1 bias 0).

Usage: python3 benchmarks/pytorch_reference.py [--heads SPEC,SPEC] [--widths 16-32-64,...]
         [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20] [--threads 2]
         [--interop 1] [--repeats 1] [--channels-last] [--phases] [--label NAME]
Needs Debian's python3-torch (apt-get install -y python3-torch); SegHeads itself never needs Python.
"""
import argparse
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def double_conv(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU())


class EncoderDecoder(nn.Module):
    def __init__(self, widths, in_channels=3):
        super().__init__()
        self.encoders = nn.ModuleList()
        c = in_channels
        for w in widths:
            self.encoders.append(double_conv(c, w))
            c = w
        self.upsamplers = nn.ModuleList()
        self.decoders = nn.ModuleList()
        for level in range(len(widths) - 2, -1, -1):
            self.upsamplers.append(nn.ConvTranspose2d(widths[level + 1], widths[level], 2, stride=2))
            self.decoders.append(double_conv(2 * widths[level], widths[level]))

    def forward(self, x):
        skips = []
        for i, enc in enumerate(self.encoders):
            x = enc(x)
            if i < len(self.encoders) - 1:
                skips.append(x)
                x = F.max_pool2d(x, 2)
        for j, (up, dec) in enumerate(zip(self.upsamplers, self.decoders)):
            x = dec(torch.cat([skips[-(j + 1)], up(x)], 1))
        return x


class ConvStackHead(nn.Module):
    def __init__(self, spec, in_channels, classes):
        super().__init__()
        kind, _, rest = spec.partition(":")
        flags = spec.split("+")[1:]
        kind = kind.split("+")[0]
        if kind == "linear":
            kernels, width = [1], None
        else:
            body = rest.split("+")[0]
            kern, _, w = body.partition("@")
            kernels = [int(k) for k in kern.split("-")]
            width = int(w) if w else 64
        activated = kind == "activated"
        bn = "bn" in flags
        self.pad_once = "pad-once" in flags
        self.radius = sum((k - 1) // 2 for k in kernels)
        layers = []
        c = in_channels
        for i, k in enumerate(kernels):
            last = i == len(kernels) - 1
            out = classes if last else width
            pad = 0 if self.pad_once else k // 2
            layers.append(nn.Conv2d(c, out, k, padding=pad, bias=last or not bn))
            if not last and bn:
                layers.append(nn.BatchNorm2d(out))
            if not last and activated:
                layers.append(nn.ReLU())
            c = out
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        if self.pad_once and self.radius > 0:
            x = F.pad(x, [self.radius] * 4)
        return self.layers(x)


class SegmentationModel(nn.Module):
    def __init__(self, head, classes, widths):
        super().__init__()
        self.backbone = EncoderDecoder(widths)
        self.head = ConvStackHead(head, widths[0], classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def time_steps(head, widths, batch, size, classes, warmup, steps, channels_last, phases=None):
    torch.manual_seed(0)
    model = SegmentationModel(head, classes, widths)
    if channels_last:
        model = model.to(memory_format=torch.channels_last)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1234)
    samples = 4 * batch
    images = torch.randn(samples, 3, size, size, generator=g)
    masks = torch.randint(0, classes, (samples, size, size), generator=g)
    order = torch.randperm(samples)
    times = []
    last = time.perf_counter()
    for step in range(warmup + steps):
        pos = (step * batch) % samples
        index = order[pos:pos + batch]
        x = images.index_select(0, index)
        y = masks.index_select(0, index)
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        for group in optimizer.param_groups:
            group["lr"] = 1e-3
        t0 = time.perf_counter()
        optimizer.zero_grad()
        t1 = time.perf_counter()
        logits = model(x)
        t2 = time.perf_counter()
        loss = F.cross_entropy(logits, y)
        value = loss.item()
        if value != value:
            raise RuntimeError("NaN loss")
        t3 = time.perf_counter()
        loss.backward()
        t4 = time.perf_counter()
        optimizer.step()
        now = time.perf_counter()
        if phases is not None and step >= warmup:
            phases.append([(t0 - last) * 1e3, (t1 - t0) * 1e3, (t2 - t1) * 1e3, (t3 - t2) * 1e3, (t4 - t3) * 1e3, (now - t4) * 1e3])
        times.append((now - last) * 1000.0)
        last = now
    return times[warmup:], sum(p.numel() for p in model.parameters())


def blas_in_use():
    """The BLAS library this process mapped (Debian's libtorch links whatever libblas.so.3 resolves to)."""
    try:
        paths = {line.split()[-1] for line in open("/proc/self/maps") if "libblas" in line and line.split()[-1].startswith("/")}
    except OSError:
        return "unknown"
    real = sorted({os.path.realpath(p) for p in paths})
    return " ".join(real) if real else "none mapped"


def quantile(xs, q):
    s = sorted(xs)
    pos = q * (len(s) - 1)
    lo, hi = int(pos), min(int(pos) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--heads", default="stacked-linear:3-3-1@16")
    p.add_argument("--widths", default="16-32-64")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--size", type=int, default=64)
    p.add_argument("--classes", type=int, default=4)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--interop", type=int, default=1)
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--phases", action="store_true", help="also print the median time of each phase of the step")
    p.add_argument("--label", default=None, help="name of this side in the RESULT rows (default pytorch or pytorch-cl)")
    p.add_argument("--channels-last", action="store_true",
                   help="also use channels-last memory format (not the default: plain PyTorch code does not)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    if a.interop > 0:
        torch.set_num_interop_threads(a.interop)
    load = open("/proc/loadavg").read().strip() if os.path.exists("/proc/loadavg") else "n/a"
    print(f"# PyTorch {torch.__version__}, Python {sys.version.split()[0]}, torch threads {torch.get_num_threads()} "
          f"(inter-op {torch.get_num_interop_threads()}), BLAS {blas_in_use()}, load {load}")
    impl = a.label or ("pytorch-cl" if a.channels_last else "pytorch")
    for w in a.widths.split(","):
        widths = [int(x) for x in w.split("-")]
        for head in a.heads.split(","):
            for _ in range(a.repeats):
                phases = [] if a.phases else None
                ms, params = time_steps(head, widths, a.batch, a.size, a.classes, a.warmup, a.steps, a.channels_last, phases)
                if phases:
                    names = ["gather", "zero_grad", "forward", "loss+item", "backward", "step"]
                    print("# phases (ms): " + "  ".join(f"{n} {statistics.median(p[i] for p in phases):.2f}" for i, n in enumerate(names)))
                key = f"{head}|{w}|{a.batch}x3x{a.size}x{a.size}|K={a.classes}"
                print(f"RESULT {impl},{key},{a.threads},{statistics.median(ms):.3f},"
                      f"{quantile(ms, 0.25):.3f},{quantile(ms, 0.75):.3f},{len(ms)},{params}", flush=True)


if __name__ == "__main__":
    main()
