#!/bin/bash
# Sixth session, call 4 (nvidia-h100-x2, ~6 min; wheels installed first; carry .whl and .bench-baseline).
# CUDA graphs with streaming, the streamed weights marked as static inputs: call 1 recorded 336 more non-static inputs
# with streaming (~8 per streamed block: the streamed Linear weights, copied into the graphs' pool at every replay?)
# and a 12.8 GiB pool. GPU 0: 61 % streamed at 48 GiB (counters, pool, speed), then the 32 GiB plan. GPU 1: the 32 GiB
# plan without CUDA graphs in the same call.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  bench capped 250 ltx2lora+compile@32/b1 --steps 4 --warmup 3 --time-budget 230 ) &
( export CUDA_VISIBLE_DEVICES=0
  bench static 330 ltx2lora~0.6+compile+cudagraphs+static@48/b1,ltx2lora+compile+cudagraphs+static@32/b1 --steps 4 --warmup 3 --time-budget 310 )
wait
