#!/usr/bin/env bash
# Runs a sharded HeadDynamics experiment on this machine: each stage as N shard processes in parallel
# (one torch thread each), then merges the shards into OUT. The same commands spread over machines
# by a batch scheduler (docs/why-stacked-linear-heads.md shows a Slurm job array).
#   usage: run-sharded.sh EXPERIMENT SHARDS OUT [extra options, e.g. --quick or --seeds 20]
#   HEADDYNAMICS: the command to run (default: dotnet run --project samples/HeadDynamics -c Release --no-build --)
set -euo pipefail
experiment=$1; shards=$2; out=$3; shift 3
read -r -a run <<< "${HEADDYNAMICS:-dotnet run --project samples/HeadDynamics -c Release --no-build --}"
merged=()
for stage in tune final; do
  pids=()
  for k in $(seq 1 "$shards"); do
    dir="$out/shards/$stage-$k"
    merged+=(--merge "$dir")
    "${run[@]}" --experiment "$experiment" --stage "$stage" --shard "$k/$shards" --stages-from "$out" --threads 1 --out "$dir" "$@" \
      > "$out.$stage-$k.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  "${run[@]}" --experiment "$experiment" "${merged[@]}" --out "$out" "$@" > "$out.merge-$stage.log" 2>&1
done
