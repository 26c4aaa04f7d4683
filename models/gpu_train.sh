#!/usr/bin/env bash
# One prepared run on a CUDA machine: tokenize the packed corpus, then either
#   STAGE=dense  (default) train the dense model, prune and heal it, or
#   STAGE=pruned keep pretraining the pruned checkpoint INIT (continued pretraining after pruning),
# leaving the bf16 checkpoints (split under 16 MiB) in $OUT.
#   bash models/gpu_train.sh MINUTES [HEAL_MINUTES]
set -euo pipefail
cd "$(dirname "$0")"
export PYTHONUNBUFFERED=1
MINUTES=${1:-5}; HEAL=${2:-2}; STAGE=${STAGE:-dense}; OUT=${OUT:-out}; mkdir -p "$OUT" data ckpt
nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
ZSTD=$(command -v zstd || echo data/gpu/zstd)  # the packed corpus carries a zstd binary in case
# a corpus cut to fit the transfer limit ends mid-frame: keep what decompresses
"$ZSTD" -d -q -c --long=31 data/gpu/train.txt.zst > data/train.txt || echo "train.txt.zst ends early: $(wc -c < data/train.txt) bytes kept"
"$ZSTD" -d -q -f --long=31 data/gpu/val.txt.zst -o data/val.txt
python3 tokenizer.py encode 2>&1 | tee "$OUT/log.txt"
if [ "$STAGE" = pruned ]; then
  # time-boxed with a margin so the split below always runs
  timeout $(( ${MINUTES%.*} * 60 + 150 )) python3 train.py --init "$INIT" --out ckpt/pruned.pt --minutes "$MINUTES" \
    --batch 128 --seq 512 --lr ${LR:-8e-4} --warmup 100 --eval-every 200 --eval-batches 16 --compile \
    --log "$OUT/train.jsonl" 2>&1 | tee -a "$OUT/log.txt" || true
  split -b 15M -d ckpt/pruned.pt "$OUT/pruned.pt.part"
  ls -la "$OUT"; exit 0
fi
python3 train.py --out ckpt/dense.pt ${INIT:+--init $INIT} --minutes "$MINUTES" --batch 128 --seq 512 --lr 1.5e-3 \
  --warmup 150 --eval-every 250 --eval-batches 10 --compile --log "$OUT/train.jsonl" 2>&1 | tee -a "$OUT/log.txt"
split -b 15M -d ckpt/dense.pt "$OUT/dense.pt.part"
python3 prune.py --dense ckpt/dense.pt --out ckpt/pruned.pt --remove 0.72 --steps 3 --heal-minutes "$HEAL" \
  --batch 64 --calib 8 2>&1 | tee -a "$OUT/log.txt"
split -b 15M -d ckpt/pruned.pt "$OUT/pruned.pt.part"
ls -la "$OUT"
