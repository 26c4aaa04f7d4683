#!/usr/bin/env bash
# Makes models/.venv with the recipe's pinned packages, once; prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import torch, tokenizers, onnxruntime, onnx_ir, pytest" 2>/dev/null; then
  python3 -m venv .venv >&2
  .venv/bin/pip install -q -r requirements.txt pytest==8.4.2 >&2
fi
echo "$PWD/.venv/bin/python"
