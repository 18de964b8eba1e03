# Sourced by the device scripts (run_*.sh): where outputs go, the environment every benchmark runs under, and the two
# side jobs that most calls run on the second GPU.
O=${OUT:-.}
export TORCHINDUCTOR_CACHE_DIR=/tmp/inductor PYTHONUNBUFFERED=1 PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True

# the guide's method (../shared/bench-baseline) in the same call, for the same-call comparisons: $O/guide/
guide_same_call() {
  mkdir -p $O/guide
  OUT=$O/guide timeout 230 bash .bench-baseline/run_device.sh --time-budget 215 --steps 4 --schemes A,B60@32,B75@24 > /dev/null 2>&1
}

# the 8-bit optimizer step alone, bitsandbytes' class against ltx2lora's: $O/optimizer.json (limit in s: $1, default 90)
optimizer_alone() {
  timeout ${1:-90} python3 benchmarks/optimizer_bench.py --out $O/optimizer.json > $O/optimizer_log.txt 2>&1
}

# one run of offload_bench.py, stopped after LIMIT seconds: $O/NAME.json and its log $O/NAME_log.txt
# usage: bench NAME LIMIT SCHEMES [more offload_bench.py arguments]  (prefix VAR=value to set its environment)
bench() {
  local name=$1 limit=$2 schemes=$3; shift 3
  timeout $limit python3 benchmarks/offload_bench.py --schemes $schemes "$@" --out $O/$name.json > $O/${name}_log.txt 2>&1
}

# the guide's outputs as one file (a call brings back at most 8 files): $O/guide.tgz
pack_guide() {
  [ -d $O/guide ] && tar czf $O/guide.tgz -C $O guide && rm -rf $O/guide
}

# the guide's method, then ltx2lora's compiled 24 and 32 GiB plans, for the same-call ratios: $O/guide/, $O/capped.json
# usage: guide_and_plans LIMIT [more offload_bench.py arguments]
guide_and_plans() {
  local limit=$1; shift
  guide_same_call
  bench capped $limit ltx2lora+compile@24/b1,ltx2lora+compile@32/b1 --steps 4 --warmup 3 "$@"
}

# the 8-bit optimizer step alone (limit in s: $1), then the guide's method for the same-call comparison
optimizer_and_guide() {
  optimizer_alone $1
  guide_same_call
}
