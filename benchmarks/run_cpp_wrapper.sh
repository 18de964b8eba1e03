#!/bin/bash
# Fifth session of 2026-11-25, third call (nvidia-h100-x2, ~8 min; wheels installed first; carry .whl and .bench-baseline).
# The streamed steps are host-bound; two ways to cut the host's work per compiled call, each against the plain compiled
# step in the same process: +noasserts (no size/stride/alignment checks of the inputs in Inductor's wrapper) and
# +cppwrapper (the wrapper in C++, with AOTAutograd's plain RNG wrapper around the attention of the checkpointed
# region, which the C++ wrapper can run). GPU 0 at 24 GiB; GPU 1: the guide's method, then the same at 32 GiB.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  guide_same_call
  bench capped 300 ltx2lora+compile@32/b1,ltx2lora+compile+cppwrapper@32/b1 --steps 4 --warmup 3 --time-budget 200 ) &
CUDA_VISIBLE_DEVICES=0 bench speed 500 ltx2lora+compile@24/b1,ltx2lora+compile+noasserts@24/b1,ltx2lora+compile+cppwrapper@24/b1 \
    --steps 4 --warmup 3 --time-budget 420
wait
