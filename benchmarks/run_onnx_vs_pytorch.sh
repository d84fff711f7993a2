#!/usr/bin/env bash
# Inference side by side in one run: alternates `SegHeads.Benchmarks onnx` (TorchSharp eval,
# TorchSharp ToDeployed(), ONNX Runtime on the exported deployed model, interleaved call by call)
# with benchmarks/pytorch_inference.py (PyTorch 1.13 eager, same architecture, eval + no_grad) for
# N rounds, then prints per (threads, input) the median over rounds of each form's per-round median
# and the ratios to ONNX Runtime.
#
# usage: benchmarks/run_onnx_vs_pytorch.sh [--rounds 3] [--head stacked-linear:3-3-1@32] [--classes 6]
#                                          [--inputs 1x256,8x64] [--thread-counts 1,2] [--reps 20]
#                                          [--max-load 0.7] [--out FILE.csv] [--pytorch-blas DIR|auto|none]
# Needs the .NET SDK and Debian's python3-torch (apt-get install -y python3-torch).
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=3 head="stacked-linear:3-3-1@32" classes=6 inputs="1x256,8x64" thread_counts="1,2" reps=20
max_load=0.7 out="" blas=auto
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --head) head="$2"; shift 2 ;;
    --classes) classes="$2"; shift 2 ;;
    --inputs) inputs="$2"; shift 2 ;;
    --thread-counts) thread_counts="$2"; shift 2 ;;
    --reps) reps="$2"; shift 2 ;;
    --max-load) max_load="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --pytorch-blas) blas="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source benchmarks/bench_common.sh
require_torch_python
# PyTorch 1.13 calls whatever libblas.so.3 the system selects (see benchmarks/README.md); convs
# here go through mkldnn/thnn, so BLAS matters less than for training, but use OpenBLAS when present.
resolve_blas

dotnet build benchmarks/SegHeads.Benchmarks -c Release -v quiet -nologo >/dev/null
bench=benchmarks/SegHeads.Benchmarks/bin/Release/net10.0/SegHeads.Benchmarks
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT


for r in $(seq "$rounds"); do
  wait_for_quiet
  "$bench" onnx --head "$head" --classes "$classes" --inputs "$inputs" --thread-counts "$thread_counts" \
    --rounds 1 --reps "$reps" --csv "$work/segheads-$r.csv" 2> >(grep -v NNPACK >&2) | sed 's/^/  /'
  LD_LIBRARY_PATH="${blas:+$blas:}${LD_LIBRARY_PATH:-}" OPENBLAS_NUM_THREADS=1 \
    "$python" benchmarks/pytorch_inference.py --head "$head" --classes "$classes" --inputs "$inputs" \
    --thread-counts "$thread_counts" --reps "$reps" > "$work/pytorch-$r.csv"
done

"$python" - "$work" "$rounds" "${out:-}" <<'PY'
import csv, statistics, sys
work, rounds, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for r in range(1, rounds + 1):
    for row in csv.DictReader(open(f"{work}/segheads-{r}.csv")):
        rows.setdefault((row["threads"], row["batch"], row["size"]), []).append(dict(row))
    for i, row in enumerate(csv.DictReader(open(f"{work}/pytorch-{r}.csv"))):
        rows[(row["threads"], row["batch"], row["size"])][-1].update(row)
med = lambda rs, k: statistics.median(float(x[k]) for x in rs)
print(f"\nmedians over {rounds} rounds (ms); ratios are the median of the per-round ratios; below: X / ORT")
header = "threads,input,torchsharp_eval_ms,torchsharp_deployed_ms,ort_ms,pytorch_eager_ms,eval_over_ort,deployed_over_ort,pytorch_over_ort,eval_over_pytorch,ort_images_per_s"
print(header)
lines = [header]
for (t, b, s), rs in sorted(rows.items(), key=lambda kv: (int(kv[0][0]), -int(kv[0][2]))):
    ratio = lambda a, c: statistics.median(float(x[a]) / float(x[c]) for x in rs)
    line = (f"{t},{b}x{s},{med(rs, 'eval_ms'):.2f},{med(rs, 'deployed_ms'):.2f},{med(rs, 'ort_ms'):.2f},{med(rs, 'pytorch_ms'):.2f},"
            f"{ratio('eval_ms', 'ort_ms'):.2f},{ratio('deployed_ms', 'ort_ms'):.2f},{ratio('pytorch_ms', 'ort_ms'):.2f},{ratio('eval_ms', 'pytorch_ms'):.2f},"
            f"{int(b) * 1000 / med(rs, 'ort_ms'):.1f}")
    print(line)
    lines.append(line)
if out:
    open(out, "w").write("\n".join(lines) + "\n")
PY
