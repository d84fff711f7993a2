# Shared by the side-by-side runners (sourced, not run): the Python with torch, the OpenBLAS
# directory for Debian's PyTorch, and waiting for a quiet machine. Expects $max_load to be set.

# Sets $python to an interpreter that imports torch, or exits 2 with the apt command.
require_torch_python() {
  python="${PYTHON:-/usr/bin/python3}"
  "$python" -c "import torch" 2>/dev/null || { echo "error: $python cannot import torch; install Debian's python3-torch (apt-get install -y python3-torch)" >&2; exit 2; }
}

# Resolves $blas: "auto" picks an installed OpenBLAS (or benchmarks/get_openblas.sh's copy), "none"
# or "" means Debian's default BLAS; a directory must hold libblas.so.3.
resolve_blas() {
  if [[ $blas == auto ]]; then
    blas=""
    for d in /usr/lib/x86_64-linux-gnu/openblas-openmp /usr/lib/x86_64-linux-gnu/openblas-pthread \
             "$PWD/benchmarks/.openblas/usr/lib/x86_64-linux-gnu/openblas-openmp"; do
      [[ -e $d/libblas.so.3 ]] && { blas=$d; break; }
    done
  elif [[ $blas == none ]]; then
    blas=""
  fi
  if [[ -n $blas && ! -e $blas/libblas.so.3 ]]; then echo "error: no libblas.so.3 in $blas" >&2; exit 2; fi
}

# Other work on a 2-core machine wrecks 2-thread timings: wait (up to 10 min) for a quiet minute.
wait_for_quiet() {
  for _ in $(seq 1 10); do
    load=$(cut -d' ' -f1 /proc/loadavg)
    awk -v l="$load" -v m="$max_load" 'BEGIN { exit !(l <= m) }' && return 0
    echo "# load $load > $max_load, waiting 60 s"
    sleep 60
  done
  echo "# WARNING: load still $(cut -d' ' -f1 /proc/loadavg); measuring anyway"
}
