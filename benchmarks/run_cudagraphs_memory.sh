#!/bin/bash
# Prepared for the next device session (nvidia-h100-x2, ~7 min; wheels installed first; carry .whl and .bench-baseline):
# CUDA graphs for the compiled blocks, and Inductor's C++ wrapper. GPU 0: without offloading, eager reference, the plain
# compiled step, the compiled step with the C++ wrapper (launcher code in C++: on the CPU stand-in it took the host time
# of forward+backward from 376 to 301 ms), and CUDA graphs (loss, GPU busy, peak memory, which call 4 could not record). GPU 1: the
# 24 GiB plan with CUDA graphs, with the allocation history recorded, to see what the 4.4 GiB on the graph trees'
# stream is (printed at the out-of-memory error), then the guide's method for the same-call comparison.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1
  bench cudagraphs24 200 ltx2lora+compile+cudagraphs@24/b1 --alloc-sites --steps 2 --warmup 2 --time-budget 180
  guide_same_call ) &
CUDA_VISIBLE_DEVICES=0 bench speed 420 no-offload/b1,no-offload+compile/b1,no-offload+compile+cppwrapper/b1,no-offload+compile+cudagraphs/b1 \
    --steps 4 --warmup 3 --profile --time-budget 360
wait
