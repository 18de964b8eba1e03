#!/bin/bash
# Sixth session, call 3 (nvidia-h100-x2, ~7 min; wheels installed first; carry .whl and .bench-baseline).
# GPU 0: the trainer itself on CUDA with its defaults and packed adapters (against its eager run), then at 24 GiB the
# fp8 storage of the streamed weights (half the PCIe bytes; not the same arithmetic: how far from the bf16 row?) beside
# the bf16 plan in one process. GPU 1: the guide's method and the 24 / 32 GiB plans again, a second same-call sample.
set -u
source benchmarks/device_common.sh
( export CUDA_VISIBLE_DEVICES=1; guide_and_plans 280 --profile --time-budget 260 ) &
( export CUDA_VISIBLE_DEVICES=0
  timeout 150 python3 benchmarks/trainer_gpu_check.py > $O/trainer_gpu_check.txt 2>&1
  bench fp8 300 ltx2lora+compile@24/b1,ltx2lora-fp8+compile@24/b1 --steps 4 --warmup 3 --profile --time-budget 280 )
wait
pack_guide
