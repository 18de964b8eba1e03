#!/bin/bash
# Seventh session, call 1 (nvidia-h100-x2, ~9 min; wheels installed first; carry .whl and .bench-baseline).
# At 32 GiB the streamed step is host-bound (the recompute's launches) while the PCIe link has slack: does keeping the
# activations of N resident blocks (no recompute in their backward), paid for by streaming ~1.07 GiB more weights per
# block, make the step faster? GPU 0: the 32 GiB plan, then +trade4/8/12 in one process (GPU busy profiled), then the
# library's no-offload default. GPU 1: the guide's method, then the 24 and 32 GiB plans for the same-call ratios.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; guide_and_plans 280 --profile --time-budget 260 ) &
( export CUDA_VISIBLE_DEVICES=0
  bench trade 500 ltx2lora+compile@32/b1,ltx2lora+compile+trade4@32/b1,ltx2lora+compile+trade8@32/b1,ltx2lora+compile+trade12@32/b1,no-offload+compile+keep+cudagraphs/b1 --steps 4 --warmup 3 --profile --time-budget 480 )
wait
pack_guide
