#!/bin/bash
# Fourth device session of 2026-11-25, a short last call (one H100): Inductor's combo kernels (independent small
# kernels launched as one) against the plain compiled step, no offload, batch 1: launches and host time per step.
set -u
source benchmarks/device_common.sh
bench speed 215 no-offload+compile/b1,no-offload+compile+combo/b1 --steps 3 --warmup 2 --host-profile --time-budget 200
