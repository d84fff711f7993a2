#!/usr/bin/env bash
# Unpacks Debian's OpenBLAS (OpenMP build) into benchmarks/.openblas for the PyTorch side of
# run_vs_pytorch.sh, without installing it: `apt-get install libopenblas0-openmp` would switch the
# system-wide libblas.so.3 alternative for every program on the machine.
# usage: benchmarks/get_openblas.sh        (prints the directory to pass as --pytorch-blas)
set -euo pipefail
cd "$(dirname "$0")"
dest=$PWD/.openblas
lib=$dest/usr/lib/x86_64-linux-gnu/openblas-openmp
if [[ ! -e $lib/libblas.so.3 ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download libopenblas0-openmp >/dev/null 2>&1 || apt-get download libopenblas0-openmp)
  dpkg -x "$tmp"/libopenblas0-openmp_*.deb "$dest"
fi
echo "$lib"
