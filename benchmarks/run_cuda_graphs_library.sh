#!/bin/bash
# Fifth session of 2026-11-25, second call (nvidia-h100-x2, ~9 min; wheels installed first; carry .whl and .bench-baseline).
# GPU 0: the library's choices as the trainer makes them: blocks keeping their activations (+keep, recalibrated: 1.0
# GiB per compiled block measured in the first call), with CUDA graphs (compile_blocks(cuda_graphs=True), the graphs'
# pool budgeted), then CUDA graphs with streaming (slots at fixed addresses) at the guide's fractions for 32 and 24 GiB.
# GPU 1: the guide's method for the same-call comparison, then the same streaming fractions without CUDA graphs.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  guide_same_call
  bench capped 300 ltx2lora~0.6+compile@32/b1,ltx2lora~0.75+compile@24/b1 --steps 4 --warmup 3 --time-budget 220 ) &
CUDA_VISIBLE_DEVICES=0 bench speed 520 \
    no-offload+compile+keep/b1,no-offload+compile+keep+cudagraphs/b1,ltx2lora~0.6+compile+cudagraphs@32/b1,ltx2lora~0.75+compile+cudagraphs@24/b1 \
    --steps 4 --warmup 3 --profile --time-budget 440
wait
