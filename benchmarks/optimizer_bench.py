#!/usr/bin/env python3
"""The 8-bit AdamW step alone, on LoRA-shaped tensors (rank 64, 2,688 tensors, ~616 M values like the guide's targets
on the 19B model): bitsandbytes' AdamW8bit (a device-wide synchronisation after every parameter) against ltx2lora's
(`ltx2lora.training.make_optimizer`: the same kernels without those waits, and after the first step one kernel call per
parameter without bitsandbytes' per-parameter Python; packed: adapters and gradients each in one buffer, one call for
all). Prints median seconds per step (steps 3 on) and checks that
both make identical updates.

    python benchmarks/optimizer_bench.py --out optimizer.json
"""
import argparse, json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch

def shapes(rank=64, n=2688):
    widths = [4096, 4096, 4096, 4096, 16384, 2048, 2048, 8192]
    out = []
    for i in range(n // 2):
        k = widths[i % len(widths)]
        out += [(rank, k), (k, rank)]
    return out

def main():
    ap = argparse.ArgumentParser(); ap.add_argument('--steps', type=int, default=5); ap.add_argument('--out', default='optimizer.json')
    args = ap.parse_args()
    import bitsandbytes as bnb
    from ltx2lora.training import make_optimizer
    dev = torch.device('cuda')
    g = torch.Generator(device=dev).manual_seed(0)
    sh = shapes()
    base = [torch.randn(s, device=dev, generator=g, dtype=torch.bfloat16) * 0.01 for s in sh]
    grads = [torch.randn(s, device=dev, generator=g, dtype=torch.bfloat16) * 1e-3 for s in sh]
    rows, finals = [], {}
    from ltx2lora.lora import pack_parameters, GradientBuffer
    for name in ('bitsandbytes', 'ltx2lora', 'ltx2lora packed'):
        ps = [torch.nn.Parameter(b.clone()) for b in base]
        if name == 'ltx2lora packed':                # as the trainer: adapters and gradients each in one buffer
            pack_parameters(ps); buffer = GradientBuffer(ps)
        opt = bnb.optim.AdamW8bit(ps, lr=1e-4, weight_decay=0.01) if name == 'bitsandbytes' else make_optimizer(ps, 'adamw8bit', 1e-4, 0.01)
        times = []
        for i in range(2 + args.steps):
            for p, gr in zip(ps, grads):
                if name == 'ltx2lora packed': p.grad.copy_(gr)
                else: p.grad = gr
            torch.cuda.synchronize(); t = time.perf_counter()
            opt.step(); torch.cuda.synchronize()
            if i >= 2: times.append(time.perf_counter() - t)
        finals[name] = ps
        rows.append(dict(optimizer=name, tensors=len(ps), values_m=sum(p.numel() for p in ps) / 1e6,
                         s_per_step=statistics.median(times), s_min=min(times), card=torch.cuda.get_device_name()))
        print(rows[-1], flush=True)
    for r in rows:
        r['identical_updates'] = all(torch.equal(a, b) for a, b in zip(finals['bitsandbytes'], finals[r['optimizer']]))
    print('identical updates:', [r['identical_updates'] for r in rows],
          '| saving per step: %.3f s lean, %.3f s packed' % tuple(rows[0]['s_per_step'] - r['s_per_step'] for r in rows[1:]))
    Path(args.out).write_text(json.dumps(rows, indent=1))

if __name__ == '__main__': main()
