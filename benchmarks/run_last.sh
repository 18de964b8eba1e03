#!/bin/bash
# Third call of 2026-11-25 (nvidia-h100-x2): compile diagnosis (stack dumps) on GPU 0; sampling under 24 GiB, then
# 1-GPU streamed training on GPU 1; then the same streamed training on 2 GPUs (torchrun).
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1
( CUDA_VISIBLE_DEVICES=1 timeout 110 python3 benchmarks/sampling_bench.py --schemes stream@24 --steps 3 --warmup 1 \
    --time-budget 80 --out $O/sampling24.json > $O/sampling24_log.txt 2>&1
  CUDA_VISIBLE_DEVICES=1 timeout 90 torchrun --standalone --nproc-per-node 1 benchmarks/offload_bench.py --schemes 'ltx2lora~0.65@32/b1' \
    --steps 4 --warmup 2 --time-budget 80 --out $O/ddp1s.json > $O/ddp_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=recompiles,graph_breaks timeout 195 python3 benchmarks/offload_bench.py --schemes no-offload+compile/b1 \
    --steps 3 --warmup 1 --stack-dumps 40 --time-budget 190 --out $O/compile.json > $O/compile_log.txt 2>&1
wait
timeout 100 torchrun --standalone --nproc-per-node 2 benchmarks/offload_bench.py --schemes 'ltx2lora~0.65@32/b1' \
    --steps 4 --warmup 2 --time-budget 90 --out $O/ddp2s.json >> $O/ddp_log.txt 2>&1
