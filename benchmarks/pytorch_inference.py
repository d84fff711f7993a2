#!/usr/bin/env python3
"""PyTorch 1.13 eager reference for `SegHeads.Benchmarks onnx`: the eval-mode forward of the same
architecture (pytorch_reference.py's SegmentationModel: UNet 16-32-64 with batch norms + head), under
torch.no_grad(), at the same inputs and thread counts. Prints one CSV row per (threads, input) with the
median and quartiles of the per-call times in ms, so benchmarks/run_onnx_vs_pytorch.sh can pair it
with the .NET side.

Usage: python3 benchmarks/pytorch_inference.py [--head stacked-linear:3-3-1@32] [--classes 6]
         [--widths 16-32-64] [--inputs 1x256,8x64] [--thread-counts 1,2] [--warmup 5] [--reps 20]
         [--channels-last]
"""
import argparse
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import SegmentationModel, blas_in_use, quantile  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--head", default="stacked-linear:3-3-1@32")
    p.add_argument("--classes", type=int, default=6)
    p.add_argument("--widths", default="16-32-64")
    p.add_argument("--inputs", default="1x256,8x64")
    p.add_argument("--thread-counts", default="1,2")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--reps", type=int, default=20)
    p.add_argument("--channels-last", action="store_true")
    a = p.parse_args()
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    model = SegmentationModel(a.head, a.classes, [int(w) for w in a.widths.split("-")])
    # Random running statistics, as after training (the .NET side randomises them too).
    g = torch.Generator().manual_seed(1)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=g) * 0.1)
            m.running_var.copy_(torch.rand(m.num_features, generator=g) + 0.5)
    model.eval()
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    load = open("/proc/loadavg").read().strip() if os.path.exists("/proc/loadavg") else "n/a"
    print(f"# PyTorch {torch.__version__}, BLAS {blas_in_use()}, load {load}", file=sys.stderr)
    print("threads,batch,size,pytorch_ms,pytorch_q25_ms,pytorch_q75_ms")
    for threads in [int(t) for t in a.thread_counts.split(",")]:
        torch.set_num_threads(threads)
        for item in a.inputs.split(","):
            batch, size = (int(v) for v in item.split("x"))
            x = torch.randn(batch, 3, size, size)
            if a.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            times = []
            with torch.no_grad():
                start = time.perf_counter()
                while time.perf_counter() - start < 1.0:
                    model(x)
                for i in range(a.warmup + a.reps):
                    t0 = time.perf_counter()
                    model(x)
                    if i >= a.warmup:
                        times.append((time.perf_counter() - t0) * 1e3)
            print(f"{threads},{batch},{size},{statistics.median(times):.4f},{quantile(times, 0.25):.4f},{quantile(times, 0.75):.4f}", flush=True)


if __name__ == "__main__":
    main()
