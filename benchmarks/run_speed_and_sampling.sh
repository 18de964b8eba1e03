#!/bin/bash
# One call on a 2-GPU machine (device tool, nvidia-h100-x2): GPU 0 runs the step-speed / streaming benchmark, GPU 1 the
# sampling benchmark and then the guide's method (../shared/bench-baseline, copied to .bench-baseline), side by side.
# Wheels first (../shared/device/wheels.sh): the command starts with the pip install line of benchmarks/README.md.
set -u
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=${TORCHINDUCTOR_CACHE_DIR:-/tmp/inductor} PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=index,name,driver_version,pcie.link.gen.current,pcie.link.width.current,memory.total --format=csv > $O/host_gpus.txt 2>&1
(
  export CUDA_VISIBLE_DEVICES=1
  python3 benchmarks/sampling_bench.py --schemes resident,stream@32,stream@24,stream@24+batch --steps 3 --warmup 1 \
      --time-budget 260 --out $O/sampling.json > $O/sampling_log.txt 2>&1
  bash .bench-baseline/run_device.sh --time-budget 220 --steps 4 --schemes A,B60@32,B75@24 > /dev/null 2>&1
) &
CUDA_VISIBLE_DEVICES=0 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True python3 benchmarks/offload_bench.py \
    --schemes "${SCHEMES:-no-offload/b1,no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1,ltx2lora@24/b1,no-offload+compile/b4,ltx2lora+compile@24/b4,ltx2lora-fp8+compile@24/b1}" \
    --steps 5 --warmup 2 --profile --top-kernels 25 --validation-steps 2 --time-budget ${BUDGET:-470} \
    --out $O/speed.json > $O/speed_log.txt 2>&1
wait
