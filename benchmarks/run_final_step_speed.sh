#!/bin/bash
# Fourth device session of 2026-11-25, last call (nvidia-h100-x2; wheels installed first; carry .whl and .bench-baseline):
# GPU 1: the 8-bit optimizer step alone (bitsandbytes' class vs ltx2lora's lean loop), then the guide's method for the
# same-call comparison. GPU 0: eager reference; compiled blocks with the recompute inside at 24 GiB, 32 GiB and
# without offloading (each phase timed, host profile of the no-offload one); last, Inductor's CUDA graph trees
# without offloading (information only: they ran out of memory at 24 GiB in the previous call).
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; optimizer_and_guide 60 ) &
CUDA_VISIBLE_DEVICES=0 bench speed 400 \
    no-offload/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,no-offload+compile/b1,no-offload+compile+cudagraphs/b1 \
    --steps 4 --warmup 2 --profile --host-profile --top-kernels 15 --time-budget 330
wait
