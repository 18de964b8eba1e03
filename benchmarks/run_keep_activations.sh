#!/bin/bash
# Fifth session of 2026-11-25 (nvidia-h100-x2, ~9 min; wheels installed first; carry .whl and .bench-baseline).
# GPU 0, without offloading: the eager reference, the plain compiled step, blocks keeping their activations where memory
# is spare (+keep: as the trainer picks them with acceleration.checkpoint_blocks: auto; +keep47: every compiled block,
# to see what Inductor really keeps), the same with CUDA graphs, and Inductor's C++ wrapper.
# GPU 1: the guide's method for the same-call comparison, then the 24 GiB plan compiled, with and without the C++ wrapper.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  guide_same_call
  bench capped 280 ltx2lora+compile@24/b1,ltx2lora+compile+cppwrapper@24/b1 --steps 4 --warmup 3 --time-budget 200 ) &
CUDA_VISIBLE_DEVICES=0 bench speed 500 \
    no-offload/b1,no-offload+compile/b1,no-offload+compile+keep/b1,no-offload+compile+keep47/b1,no-offload+compile+keep+cudagraphs/b1,no-offload+compile+cppwrapper/b1 \
    --steps 4 --warmup 3 --profile --time-budget 420
wait
