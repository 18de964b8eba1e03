#!/bin/bash
# Sixth session, call 2 (nvidia-h100-x2, ~8 min; wheels installed first; carry .whl and .bench-baseline).
# The adapters packed into one buffer (`05_lora.pack_parameters`) so that the 8-bit AdamW updates all of them with one
# kernel call. GPU 0: the optimizer alone (bitsandbytes', the lean loop, packed: identical updates?), then in one
# process the 24 GiB plan without and with packing (the top kernels of the compiled, streamed step printed), and the
# library's no-offload default (kept activations, CUDA graphs). GPU 1: the guide's method, then the 24 and 32 GiB plans
# for the same-call ratios.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; guide_and_plans 280 --profile --time-budget 260 ) &
( export CUDA_VISIBLE_DEVICES=0
  optimizer_alone 100
  bench packed 420 ltx2lora+compile+nopack@24/b1,ltx2lora+compile@24/b1,no-offload+compile+keep+cudagraphs/b1 --steps 4 --warmup 3 --profile --top-kernels 30 --time-budget 400 )
wait
pack_guide
