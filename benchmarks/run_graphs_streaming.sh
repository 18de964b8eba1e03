#!/bin/bash
# Prepared for the next device session (nvidia-h100-x2, ~9 min; wheels installed first; carry .whl and .bench-baseline).
# CUDA graphs with weight streaming: in the fifth session the graph trees' pool reserved 12.8 GiB at 32 GiB (60 %
# streamed) and the plan ran out of memory, against 5.8 GiB without streaming. GPU 0: the same scheme under a 48 GiB
# cap, where it fits, to see whether the streamed steps replay at all and how fast (the host's launch work gone), and
# what the pool holds (counters and the allocator's segments by stream, printed per scheme); then at 32 GiB with the
# allocation history, to name the pool's allocations at the out-of-memory error. GPU 1: the guide's method, then the
# 24 and 32 GiB plans without the second input checks (the library's default now) for the same-call ratios.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; guide_and_plans 300 --time-budget 220 ) &
( export CUDA_VISIBLE_DEVICES=0
  bench graphs48 260 ltx2lora~0.6+compile@48/b1,ltx2lora~0.6+compile+cudagraphs@48/b1 --steps 4 --warmup 3 --time-budget 200
  bench graphs32 200 ltx2lora~0.6+compile+cudagraphs@32/b1 --alloc-sites --steps 2 --warmup 2 --time-budget 180 )
wait
