#!/bin/bash
# One call on nvidia-h100-x2 (wheels installed first; carry .whl): the resident weights laid out as the trainer lays them
# out (weights to the CPU before streaming, resident ones back in block order: --layout trainer, the default now).
# GPU 0: compiled step at 24 GiB (with validation sampling inside it), batch 4 with and without streaming, and one
#        compiled no-offload step profiled with CPU activity (where the host time goes);
# GPU 1: eager 24 GiB with validation, compiled and eager 32 GiB.
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
( CUDA_VISIBLE_DEVICES=1 timeout 430 python3 benchmarks/offload_bench.py --schemes ltx2lora@24/b1,ltx2lora+compile@32/b1,ltx2lora@32/b1 \
    --steps 5 --warmup 2 --profile --validation-steps 2 --time-budget 400 --out $O/gpu1.json > $O/gpu1_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=recompiles timeout 470 python3 benchmarks/offload_bench.py \
    --schemes ltx2lora+compile@24/b1,no-offload+compile/b4,ltx2lora+compile@24/b4,no-offload+compile/b1 \
    --steps 5 --warmup 2 --profile --host-profile --validation-steps 2 --time-budget 440 --out $O/speed.json > $O/speed_log.txt 2>&1
wait
