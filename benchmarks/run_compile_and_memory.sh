#!/bin/bash
# One call on nvidia-h100-x2 (wheels installed first; carry .whl and .bench-baseline):
# GPU 0: eager vs compiled step (idx-shared regional compilation), no offload / 24 / 32 GiB, batch 1 and 4, with
#        validation sampling inside the compiled 24 GiB run;
# GPU 1: the guide's method (../shared/bench-baseline) in the same call, then ltx2lora at 24 GiB with and without the
#        gradient buffer (memory report on OOM) and at 32 GiB, eager, with validation sampling at 24 GiB.
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
mkdir -p $O/guide
( export CUDA_VISIBLE_DEVICES=1
  OUT=$O/guide timeout 230 bash .bench-baseline/run_device.sh --time-budget 215 --steps 4 --schemes A,B60@32,B75@24 > /dev/null 2>&1
  timeout 200 python3 benchmarks/offload_bench.py --schemes ltx2lora@24/b1,ltx2lora+nogradbuf@24/b1,ltx2lora@32/b1 \
    --steps 5 --warmup 2 --profile --validation-steps 2 --time-budget 190 --out $O/gpu1.json > $O/gpu1_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=recompiles,graph_breaks timeout 440 python3 benchmarks/offload_bench.py \
    --schemes no-offload/b1,no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,no-offload+compile/b4,ltx2lora+compile@24/b4 \
    --steps 5 --warmup 2 --profile --top-kernels 20 --validation-steps 2 --time-budget 420 --out $O/speed.json > $O/speed_log.txt 2>&1
wait
