#!/usr/bin/env bash
# levenberg_marquardt.py on a many-core machine (the device tool's 16-core host), in one call:
#   START=... N=2000 SEEDS=0,17 ITERATIONS=40 WORKERS=16 LIMIT=480 bash calibration-runs/levenberg_marquardt_on_device.sh
# Wheels of the packages that machine's Python lacks travel in .whl/, as for calibrate_on_device.sh. The best
# constants so far are in $OUT/levenberg_marquardt.toml after every iteration, so a run stopped by LIMIT loses nothing.
set -o pipefail
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/src PYTHONUNBUFFERED=1 NUMBA_NUM_THREADS=1
lscpu | grep -E "Model name|^CPU\(s\)" | tee "$OUT/machine.txt"
python3 -c "import numba, numpy, scipy; print('numba', numba.__version__, 'numpy', numpy.__version__)" | tee -a "$OUT/machine.txt"
timeout "${LIMIT:-480}" python3 calibration-runs/levenberg_marquardt.py "$START" "${N:-2000}" "${SEEDS:-0,17}" \
  "${ITERATIONS:-40}" "$OUT/levenberg_marquardt.toml" "${WORKERS:-16}" 2>&1 | tee "$OUT/levenberg_marquardt.log" | tail -30
echo "exit $?"
