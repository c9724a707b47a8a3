#!/usr/bin/env bash
# `securebase calibrate` on a many-core machine (the device tool's 16-core host), in one call:
#   bash calibration-runs/calibrate_on_device.sh   (env: N, POINTS, ROUNDS, WORKERS, SEED, LIMIT seconds)
# Wheels of the packages that machine's Python lacks travel in .whl/ (pydantic and its needs), as for
# benchmarks/device_check.sh. The search writes its best constants so far to $OUT/calibrated.progress.toml
# whenever they improve, so a search stopped by LIMIT loses nothing: finish it here with
#   securebase calibrate --n N --seed SEED --constants-from calibrated.progress.toml --out FILE
set -o pipefail
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
export PYTHONPATH=/tmp/site:$PWD/src PYTHONUNBUFFERED=1
# one numba thread per worker process: the workers are the parallelism
export NUMBA_NUM_THREADS=1
lscpu | grep -E "Model name|^CPU\(s\)" | tee "$OUT/machine.txt"
python3 -c "import numba, numpy, pydantic; print('numba', numba.__version__, 'numpy', numpy.__version__)" | tee -a "$OUT/machine.txt"
timeout "${LIMIT:-480}" python3 -m securebase calibrate --n "${N:-2000}" --points "${POINTS:-30}" --iterations 0 \
  --rounds "${ROUNDS:-60}" --workers "${WORKERS:-16}" --seed "${SEED:-0}" --out "$OUT/calibrated.toml" \
  > "$OUT/calibrate.out" 2> "$OUT/calibrate.log"
echo "exit $?"
tail -3 "$OUT/calibrate.log"
ls -la "$OUT"
