#!/bin/bash
# One call on a 2-GPU machine (device tool, nvidia-h100-x2), wheels installed first (see benchmarks/README.md):
# 1. data-parallel scaling: torchrun with 1 GPU (GPU 1 meanwhile: sampling under a 24 GiB cap), then with 2 GPUs,
#    the same schemes (eager, no offload and streamed under 24 GiB), batch 1 per GPU;
# 2. then, side by side: regional compilation without offload (GPU 0) and with streaming at 24 GiB plus validation
#    sampling during training (GPU 1).
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=${TORCHINDUCTOR_CACHE_DIR:-/tmp/inductor} PYTHONUNBUFFERED=1
export PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1
S=${DDP_SCHEMES:-no-offload/b1,ltx2lora@24/b1}
( CUDA_VISIBLE_DEVICES=1 timeout 150 python3 benchmarks/sampling_bench.py --schemes stream@24 --steps 3 --warmup 1 \
    --time-budget 120 --out $O/sampling24.json > $O/sampling24_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 timeout 170 torchrun --standalone --nproc-per-node 1 benchmarks/offload_bench.py --schemes $S \
    --steps 4 --warmup 2 --time-budget 150 --out $O/ddp1.json > $O/ddp_log.txt 2>&1
wait
timeout 190 torchrun --standalone --nproc-per-node 2 benchmarks/offload_bench.py --schemes $S \
    --steps 4 --warmup 2 --time-budget 160 --out $O/ddp2.json >> $O/ddp_log.txt 2>&1
( CUDA_VISIBLE_DEVICES=1 timeout 200 python3 benchmarks/offload_bench.py --schemes ltx2lora+compile@24/b1 --steps 4 --warmup 2 \
    --validation-steps 2 --time-budget 190 --out $O/compile24.json > $O/compile24_log.txt 2>&1 ) &
CUDA_VISIBLE_DEVICES=0 timeout 200 python3 benchmarks/offload_bench.py --schemes no-offload/b1,no-offload+compile/b1 --steps 4 \
    --warmup 2 --profile --top-kernels 20 --time-budget 190 --out $O/compile.json > $O/compile_log.txt 2>&1
wait
