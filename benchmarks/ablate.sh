#!/usr/bin/env bash
# What each library change bought: runs `train` (reference configuration) with SegHeads.dll
# built at successive commits, alternating them for N rounds, and prints the median step time.
# usage: benchmarks/ablate.sh [--rounds 5] NAME=COMMIT ...   (e.g. base=6498a60 relu=75f83eb)
# Builds into benchmarks/results/ablate/NAME (git-ignored); restores src/ afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=5
if [[ ${1:-} == --rounds ]]; then rounds=$2; shift 2; fi
[[ $# -gt 0 ]] || { echo "usage: $0 [--rounds N] NAME=COMMIT ..." >&2; exit 2; }
git diff --quiet -- src/ || { echo "error: src/ has uncommitted changes" >&2; exit 2; }
bin=benchmarks/SegHeads.Benchmarks/bin/Release/net10.0
out=benchmarks/results/ablate
rm -rf "$out"; mkdir -p "$out"
trap 'git checkout -q HEAD -- src/' EXIT
names=()
for pair in "$@"; do
  name=${pair%%=*}; commit=${pair#*=}; names+=("$name")
  git checkout -q "$commit" -- src/
  dotnet build benchmarks/SegHeads.Benchmarks -c Release -v quiet -nologo >/dev/null
  # Only SegHeads.dll differs between the variants: share everything else by hard links.
  cp -al "$bin" "$out/$name"; rm "$out/$name/SegHeads.dll"; cp "$bin/SegHeads.dll" "$out/$name/"
done
git checkout -q HEAD -- src/
dotnet build benchmarks/SegHeads.Benchmarks -c Release -v quiet -nologo >/dev/null
results=$out/results.txt
for r in $(seq 1 "$rounds"); do
  echo "# round $r/$rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for name in "${names[@]}"; do
    "$out/$name/SegHeads.Benchmarks" train --repeats 2 | grep '^RESULT' | sed "s/^RESULT segheads/$name/" >> "$results"
  done
done
python3 - "$results" "${names[@]}" <<'PY'
import statistics, sys
rows = [l.strip().split(",") for l in open(sys.argv[1])]
prev = None
print(f"{'library state':16} {'median ms':>10} {'vs previous':>12} {'vs first':>9}")
first = None
for name in sys.argv[2:]:
    m = statistics.median(float(r[3]) for r in rows if r[0] == name)
    first = first or m
    print(f"{name:16} {m:10.2f} {(m / prev - 1) * 100 if prev else 0:11.1f}% {(m / first - 1) * 100:8.1f}%")
    prev = m
PY
