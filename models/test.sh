#!/usr/bin/env bash
# The model recipe's tests: a tiny run of every stage (corpus -> tokenizer -> train -> prune ->
# export -> int8) and parity checks on the committed artifacts. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")"
# onnxruntime's native library has telemetry of its own (see src/core/base/nativeTelemetry.ts)
export ORT_DISABLE_TELEMETRY=1
PY=$(bash venv.sh) || { echo "0 passed, 1 failed"; exit 1; }
"$PY" -m pytest -q -p no:cacheprovider -W ignore::DeprecationWarning tests "$@" 2>&1 | tee /tmp/ondi-models-pytest.log
# pytest's summary ("3 passed, 1 failed, 2 errors in 9s") -> the one line the CI sums
awk '/ (passed|failed|error|errors|skipped)/ { last = $0 } END {
  n = split(last, w, /[ ,]+/); p = f = s = 0
  for (i = 2; i <= n; i++) {
    if (w[i] == "passed") p = w[i-1]; else if (w[i] ~ /^(failed|error|errors)$/) f += w[i-1]; else if (w[i] == "skipped") s = w[i-1]
  }
  if (last == "") f = 1
  printf "%d passed, %d failed, %d skipped\n", p, f, s
}' /tmp/ondi-models-pytest.log
