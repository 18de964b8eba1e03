#!/bin/bash
# Fourth device session of 2026-11-25 (nvidia-h100-x2, ~8 min; wheels installed first; carry .whl and .bench-baseline):
# GPU 1: the 8-bit optimizer step alone (bitsandbytes' vs ltx2lora's, no per-parameter device waits), then the guide's
# method for the same-call comparison. GPU 0: eager reference, compiled blocks with the recompute inside their
# compiled backward (new default), at no offload / 24 GiB / 32 GiB, each phase of a step timed on its own, a host
# profile of the compiled batch-1 step, and the previous arrangement (ltx-core's checkpointing around the compiled
# blocks, `+outerckpt`) last for the same-call comparison.
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
mkdir -p $O/guide
( export CUDA_VISIBLE_DEVICES=1
  timeout 90 python3 benchmarks/optimizer_bench.py --out $O/optimizer.json > $O/optimizer_log.txt 2>&1
  OUT=$O/guide timeout 230 bash .bench-baseline/run_device.sh --time-budget 215 --steps 4 --schemes A,B60@32,B75@24 > /dev/null 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 timeout 450 python3 benchmarks/offload_bench.py \
    --schemes no-offload/b1,no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,no-offload+compile+outerckpt/b1 \
    --steps 4 --warmup 2 --profile --host-profile --top-kernels 15 --time-budget 420 --out $O/speed.json > $O/speed_log.txt 2>&1
wait
