#!/bin/bash
# Fourth device session of 2026-11-25 (nvidia-h100-x2, ~8 min; wheels installed first; carry .whl and .bench-baseline):
# GPU 1: the 8-bit optimizer step alone (bitsandbytes' vs ltx2lora's, no per-parameter device waits), then the guide's
# method for the same-call comparison. GPU 0: eager reference, compiled blocks with the recompute inside their
# compiled backward (new default), at no offload / 24 GiB / 32 GiB, each phase of a step timed on its own, a host
# profile of the compiled batch-1 step, and the previous arrangement (ltx-core's checkpointing around the compiled
# blocks, `+outerckpt`) last for the same-call comparison.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; optimizer_and_guide 90 ) &
CUDA_VISIBLE_DEVICES=0 bench speed 450 \
    no-offload/b1,no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,no-offload+compile+outerckpt/b1 \
    --steps 4 --warmup 2 --profile --host-profile --top-kernels 15 --time-budget 420
wait
