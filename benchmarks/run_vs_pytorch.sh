#!/usr/bin/env bash
# SegHeads vs PyTorch, side by side in one run: alternates `SegHeads.Benchmarks train` and
# benchmarks/pytorch_reference.py (the same architecture, step and thread count) for N rounds,
# then prints, per configuration, the median over rounds of each side's per-round median step
# time and the ratio SegHeads/PyTorch.
#
# usage: benchmarks/run_vs_pytorch.sh [--rounds 5] [--threads 2] [--heads SPEC,SPEC] [--widths 16-32-64,...]
#                                     [--batch 8] [--size 64] [--classes 4] [--warmup 3] [--steps 20]
#                                     [--max-load 0.7] [--out FILE.csv] [--pytorch-blas DIR]
# Needs the .NET SDK and Debian's python3-torch (apt-get install -y python3-torch).
#
# BLAS: Debian's libtorch calls whatever libblas.so.3 the system selects; with python3-torch
# alone that is netlib's unoptimised reference BLAS, which makes PyTorch 1.13's transposed
# convolutions (a gemm loop) about 2x slower and the comparison unfair to PyTorch. --pytorch-blas
# DIR adds a third side, "pytorch-openblas": the same script with DIR (holding an optimised
# libblas.so.3, e.g. /usr/lib/x86_64-linux-gnu/openblas-openmp from libopenblas0-openmp) first on
# LD_LIBRARY_PATH and OPENBLAS_NUM_THREADS=1 (torch's own threads parallelise; nested BLAS threads
# were slower). The default "auto" uses such a directory when one is installed, or the copy that
# benchmarks/get_openblas.sh unpacks into benchmarks/.openblas without touching the system.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=5 threads=2 max_load=0.7 out="" blas=auto
heads="stacked-linear:3-3-1@16" widths="16-32-64"
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --max-load) max_load="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --pytorch-blas) blas="$2"; shift 2 ;;
    --heads) heads="$2"; shift 2 ;;
    --widths) widths="$2"; shift 2 ;;
    --batch|--size|--classes|--warmup|--steps) pass+=("$1" "$2"); shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

source benchmarks/bench_common.sh
require_torch_python
resolve_blas
sides=(segheads pytorch)
[[ -n $blas ]] && sides+=(pytorch-openblas)

dotnet build benchmarks/SegHeads.Benchmarks -c Release -v quiet -nologo >/dev/null
bench=benchmarks/SegHeads.Benchmarks/bin/Release/net10.0/SegHeads.Benchmarks
results=$(mktemp)
trap 'rm -f "$results"' EXIT


common=(--threads "$threads" --interop 1 --heads "$heads" --widths "$widths" "${pass[@]}")
for r in $(seq 1 "$rounds"); do
  wait_for_quiet
  echo "# round $r/$rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
  # Alternate who goes first, so neither side always runs right after the other's process.
  if (( r % 2 == 1 )); then order=("${sides[@]}"); else order=(); for ((i=${#sides[@]}-1; i>=0; i--)); do order+=("${sides[i]}"); done; fi
  for side in "${order[@]}"; do
    case $side in
      segheads) "$bench" train "${common[@]}" ;;
      pytorch) "$python" benchmarks/pytorch_reference.py "${common[@]}" ;;
      pytorch-openblas) LD_LIBRARY_PATH="$blas${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" OPENBLAS_NUM_THREADS=1 \
          "$python" benchmarks/pytorch_reference.py "${common[@]}" --label pytorch-openblas ;;
    esac | tee -a "$results" | grep -v '^RESULT' || true
  done
done

"$python" - "$results" "$out" "$rounds" "$threads" <<'PY'
import statistics, sys
path, out, rounds, threads = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows, params = {}, {}
for line in open(path):
    if line.startswith("RESULT "):
        impl, key, thr, median, p25, p75, n, count = line[7:].strip().split(",")
        rows.setdefault(key, {}).setdefault(impl, []).append(float(median))
        params.setdefault(key, {})[impl] = int(count)
for key, counts in params.items():
    # Same architecture on both sides: the parameter counts must agree.
    if len(set(counts.values())) > 1:
        print(f"WARNING: {key}: parameter counts differ: {counts}")
refs = [r for r in ("pytorch", "pytorch-openblas") if any(r in v for v in rows.values())]
print(f"\nSegHeads vs PyTorch, {threads} thread(s): median over {rounds} alternating rounds of each round's median step (ms); "
      "ratio = SegHeads / PyTorch (below 1: SegHeads faster)")
header = f"{'configuration':58} {'SegHeads':>9}" + "".join(f" {r:>17}" for r in refs) + "".join(f" {'ratio ' + r:>24}" for r in refs)
print(header)
print("-" * len(header))
csv = ["config,segheads_ms," + ",".join(f"{r}_ms" for r in refs) + "," + ",".join(f"ratio_{r}" for r in refs) + ",segheads_rounds," + ",".join(f"{r}_rounds" for r in refs)]
for key, sides in rows.items():
    s = sides.get("segheads", [])
    if not s:
        continue
    ms = statistics.median(s)
    meds = [statistics.median(sides[r]) if sides.get(r) else float("nan") for r in refs]
    print(f"{key:58} {ms:9.2f}" + "".join(f" {m:17.2f}" for m in meds) + "".join(f" {ms / m:24.2f}" for m in meds))
    csv.append(f"{key},{ms:.3f}," + ",".join(f"{m:.3f}" for m in meds) + "," + ",".join(f"{ms / m:.3f}" for m in meds)
               + f",{' '.join(f'{x:.2f}' for x in s)}," + ",".join(" ".join(f"{x:.2f}" for x in sides.get(r, [])) for r in refs))
if out:
    open(out, "w").write("\n".join(csv) + "\n")
PY
