#!/bin/bash
# The product at real size on a GPU machine: write the full-size checkpoint and cache once, then one
# `train_bench.py run` process per row. Usage (after installing the wheels, see benchmarks/README.md):
#   bash benchmarks/real_size.sh ROW [ROW ...]      ROW: NAME:CAP:STEPS[:VALIDATE_AT]:SET,SET,...[:LIMIT_S]  (CAP '-' = none)
# e.g.  bash benchmarks/real_size.sh auto23:23:12:12:acceleration.offload=auto,acceleration.vram_budget_gb=23
# Outputs in $OUT: host.txt, prepare.txt, rows.jsonl and one NAME.txt log per row.
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 HF_HUB_OFFLINE=1 WANDB_MODE=offline MPLBACKEND=Agg
VERSION=${REAL_SIZE_VERSION:-19b}
D=${REAL_SIZE_DIR:-$PWD/.real-size-$VERSION}   # one folder per model version: a warm machine may hold the other one
{ nvidia-smi --query-gpu=name,memory.total,driver_version,pcie.link.gen.current,pcie.link.width.current --format=csv
  echo "cpus $(nproc)"; free -g; df -h "$PWD" /tmp; python3 -c 'import torch; print("torch", torch.__version__)'; } > $O/host.txt 2>&1
if [ ! -f $D/prepared.json ]; then
  timeout ${PREPARE_LIMIT:-240} python3 benchmarks/train_bench.py prepare $D --version $VERSION ${REAL_SIZE_TINY:+--tiny} > $O/prepare.txt 2>&1 || { echo "prepare failed"; tail -20 $O/prepare.txt; }
fi
for row in "$@"; do
  IFS=: read -r name cap steps validate sets limit <<< "$row"
  args=(run $D --name $name --steps $steps --out $O/rows.jsonl)
  [ "$cap" != "-" ] && args+=(--cap $cap)
  [ -n "$validate" ] && [ "$validate" != "-" ] && args+=(--validate-at $validate)
  [ -n "${PROFILE_STEP:-}" ] && args+=(--profile-step $PROFILE_STEP)
  IFS=, read -ra kv <<< "$sets"
  for s in "${kv[@]}"; do [ -n "$s" ] && args+=(--set "$s"); done
  timeout ${limit:-${ROW_LIMIT:-300}} python3 benchmarks/train_bench.py "${args[@]}" > $O/$name.txt 2>&1
  grep '^ROW' $O/$name.txt | cut -c1-600 || tail -5 $O/$name.txt
done
