#!/usr/bin/env python3
"""Merge raw benchmark outputs into benchmarks/results/offload.json: one row per (scheme, cap, batch) with the fields
scheme ('no-offload' | 'guide' | 'ltx2lora'), cap_gib, batch, s_per_step, peak_gib, pcie_gb_per_step, gpu_busy_s, card,
date, plus where it came from. Usage: python benchmarks/collect.py RESULTS_DIR..."""
import json, sys
from pathlib import Path

def guide_rows(path, card, date, run):
    d = json.loads(Path(path).read_text())
    for s in d['schemes']:
        if s.get('status', 'ok') != 'ok' or 'median_s' not in s: continue
        name = s['name']
        prof = s.get('profile') or {}
        yield dict(scheme='no-offload' if name.startswith('A') else 'guide', variant=f'baseline {name} (fp32 adapters, fused AdamW)',
                   cap_gib=(s.get('cap') or {}).get('cap_gib'), batch=s.get('batch', 1), s_per_step=s['median_s'],
                   s_min=s.get('min_s'), s_max=s.get('max_s'), peak_gib=(s.get('mem') or {}).get('peak_alloc_gib'),
                   pcie_gb_per_step=s.get('bytes_per_step', 0) / 1e9, gpu_busy_s=prof.get('kernel_busy_union_s'),
                   loss0=(s.get('check') or {}).get('loss'), lora_grad_norm0=(s.get('check') or {}).get('grad_norm'),
                   card=card, date=date, run=run, source=str(path))

def main():
    rows = []
    for d in map(Path, sys.argv[1:]):
        hf = next((f for f in (d/'host.txt', d/'call1_host.txt', d/'call1_guide_host.txt', d/'call2_guide_host.txt') if f.exists()), None)
        host = hf.read_text().splitlines()[1].split(',')[0] if hf else 'unknown'
        date = d.name[:10]
        files = sorted(d.glob('ltx2lora_run*.json')) + sorted(f for p in ('call*_speed.json', 'call*_compile.json', 'call*_ddp*.json', 'call*_gpu1.json', 'call*_capped.json', 'call*_cudagraphs_from_log.json', 'call*_packed.json', 'call*_fp8.json', 'call*_graphs*.json', 'call*_static.json', 'call*_trade.json')
                                                             for f in d.glob(p))
        for f in files:
            for r in json.loads(f.read_text()):
                if 'error' in r: continue
                r = {k: v for k, v in r.items() if k not in ('oom_memory', 'validation_oom_memory', 'host_profile', 'memory_after')}
                r = dict(r, card=host, date=date, run=f'{d.name}/{f.stem}', source=str(f))
                if r['scheme'] == 'no-offload': r['variant'] = 'ltx2lora no offload (bf16 adapters, 8-bit AdamW' + (
                    (f", {r['kept_blocks']} blocks keep their activations" if r.get('kept_blocks') else '') +
                    (', compiled, CUDA graphs)' if r.get('cuda_graphs') else ', compiled)' if r.get('compiled') else ')'))
                rows.append(r)
        for g in ['guide_baseline.json', 'call1_guide_baseline.json'] + sorted(f.name for f in d.glob('call*_guide_ltx_offload_bench.json')):
            if (d/g).exists(): rows += list(guide_rows(d/g, host, date, f'{d.name}/{g[:-5]}'))
    out = Path(__file__).parent/'results'/'offload.json'
    out.write_text(json.dumps(rows, indent=1) + '\n')
    print(f'{len(rows)} rows -> {out}')
    for r in rows:
        print(f"{r['scheme']:10} {str(r['cap_gib'] or '-'):>5} b{r['batch']} {r['s_per_step']:.3f} s  peak {r.get('peak_gib') or 0:5.1f}  "
              f"PCIe {r.get('pcie_gb_per_step') or 0:5.1f} GB  busy {r.get('gpu_busy_s') or float('nan'):.3f}  {r.get('variant', '')} [{r['run']}]")

if __name__ == '__main__': main()
