#!/usr/bin/env bash
# The GPU and 16-core checks of benchmarks/RESULTS.md, in one call of the device tool (see benchmarks/README.md).
# Wheels of the packages the device's Python lacks travel in .whl/ (pydantic and its needs).
set -o pipefail
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
# the image's numba-cuda still names np.row_stack, which its NumPy 2.5 no longer has
echo 'import numpy; numpy.row_stack = getattr(numpy, "row_stack", numpy.vstack)' > /tmp/site/sitecustomize.py
export PYTHONPATH=/tmp/site:$PWD/src PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv | tee "$OUT/gpu.txt"
lscpu | grep -E "Model name|^CPU\(s\)" | tee -a "$OUT/gpu.txt"
python3 -c "import numba, numba_cuda, numpy; print('numba', numba.__version__, 'numba-cuda', numba_cuda.__version__, 'numpy', numpy.__version__)"
echo "== correctness: GPU against CPU"
timeout 240 python3 benchmarks/gpu_check.py --children 20000 --days 20 2>&1 | tee "$OUT/gpu_check.txt"
echo "== GPU engine"
timeout 300 python3 benchmarks/bench_kernels.py --kernels cuda --sizes ${GPU_SIZES:-1000000,10000000} 2>&1 | tee "$OUT/bench_gpu.txt"
[ -n "$SKIP_CPU" ] && exit 0
echo "== CPU: 10M children, and thread scaling at 1M"
timeout 200 python3 benchmarks/bench_kernels.py --kernels cpu --sizes 10000000 2>&1 | tee "$OUT/bench_cpu10m.txt"
timeout 300 python3 benchmarks/bench_kernels.py --kernels cpu --sizes 1000000 --threads 1,2,4,8,16 2>&1 | tee "$OUT/bench_threads.txt"
