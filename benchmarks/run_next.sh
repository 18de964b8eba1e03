#!/bin/bash
# Prepared for the next device session (nvidia-h100-x2), one call of ~9.5 min, wheels installed first:
# everything the 2026-11-25 calls left unmeasured.
# GPU 0: eager vs compiled step (no offload, 24 and 32 GiB, batch 1 and 4), the 24 GiB plan without the benchmark's old
#        adapter copy, validation sampling inside the 24 GiB training run;
# GPU 1: sampling + decoding under 24 GiB, then torchrun on 1 GPU with the 24 GiB plan;
# then:  torchrun on 2 GPUs with the 24 GiB plan (same call: scaling efficiency with streaming).
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True
export NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1
( CUDA_VISIBLE_DEVICES=1 timeout 150 python3 benchmarks/sampling_bench.py --schemes stream@24 --steps 3 --warmup 1 \
    --time-budget 140 --out $O/sampling24.json > $O/sampling24_log.txt 2>&1
  CUDA_VISIBLE_DEVICES=1 timeout 200 torchrun --standalone --nproc-per-node 1 benchmarks/offload_bench.py \
    --schemes ltx2lora@24/b1 --steps 4 --warmup 2 --time-budget 190 --out $O/ddp1.json > $O/ddp_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=recompiles,graph_breaks timeout 400 python3 benchmarks/offload_bench.py \
    --schemes no-offload/b1,ltx2lora@24/b1,no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,no-offload+compile/b4,ltx2lora+compile@24/b4 \
    --steps 5 --warmup 2 --profile --top-kernels 20 --validation-steps 2 --time-budget 370 --out $O/speed.json > $O/speed_log.txt 2>&1
wait
timeout 160 torchrun --standalone --nproc-per-node 2 benchmarks/offload_bench.py --schemes ltx2lora@24/b1 --steps 4 \
    --warmup 2 --time-budget 150 --out $O/ddp2.json >> $O/ddp_log.txt 2>&1
