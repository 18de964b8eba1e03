#!/bin/bash
# Fourth device session of 2026-11-25, second call (nvidia-h100-x2; wheels installed first; carry .whl and .bench-baseline):
# GPU 1: the guide's method (same-call comparison). GPU 0: eager reference, then the compiled blocks (recompute inside)
# replayed as CUDA graphs at 24 GiB, 32 GiB and without offloading (host profile of the last).
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  guide_same_call ) &
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=perf_hints bench speed 450 \
    no-offload/b1,ltx2lora+compile+cudagraphs@24/b1,ltx2lora+compile+cudagraphs@32/b1,no-offload+compile+cudagraphs/b1,no-offload+compile/b1 \
    --steps 4 --warmup 2 --profile --host-profile --top-kernels 15 --time-budget 400
wait
