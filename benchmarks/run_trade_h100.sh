#!/bin/bash
# Seventh session, call 2 (nvidia-h100-x1, ~9 min; wheels installed first; carry .whl and .bench-baseline).
# Call 1 (on H200s) found the step slower with every block traded; the same question on the H100 and its host: the
# guide's method, then the 32 GiB plan and +trade4/+trade8 in one process (GPU busy profiled).
set -u
source benchmarks/device_common.sh
guide_same_call
bench trade 340 ltx2lora+compile@32/b1,ltx2lora+compile+trade4@32/b1,ltx2lora+compile+trade8@32/b1 --steps 4 --warmup 3 --profile --time-budget 320
pack_guide
