#!/usr/bin/env python3
"""ltx2lora sampling benchmark on the real LTX-2 19B architecture (random bf16 weights).

Workload: 768x512x97 video at 25 fps ([1,128,13,16,24] latents, 4992 tokens) + 97 audio latents, text contexts
[1,1024,3840] (connector outputs), ltx2lora.inference.sample_latents with CFG + STG (three transformer passes per step;
rescale 0.7, no modality guidance), then decoding with 19B-sized VAE decoder (tiled), audio decoder and vocoder.

Schemes (comma separated): `resident` (all weights on the GPU, no cap), `stream@CAP` (block weights streamed by
ltx2lora.offload, planned from CAP GiB by placement.plan_sampling; the cap is enforced with
torch.cuda.set_per_process_memory_fraction), a `+batch` suffix runs the guidance passes as one batch
(`batch_guidance=True`). Per scheme: seconds per sampling step (median after warm-up), peak allocated/reserved memory,
PCIe bytes per step. `--decode` adds the decoders, run after the last scheme with its transformer still loaded and
its cap still set (as validation during training decodes). Writes a JSON list of rows.

    python benchmarks/sampling_bench.py --out benchmarks/results/sampling.json
    python benchmarks/sampling_bench.py --tiny --device cpu --out /tmp/sampling.json   # CPU smoke test
"""
import argparse, datetime, json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch

GiB = 2**30

def init_(module, device, seed=0):
    "Materialise a meta module on `device` (bf16) with small random weights; norms 1, VAE statistics (0, 1)."
    module = module.to_empty(device=device).to(torch.bfloat16)
    g = torch.Generator(device=device).manual_seed(seed)
    with torch.no_grad():
        for n, p in module.named_parameters():
            if p.ndim == 0: p.fill_(1.0)
            elif 'norm' in n and p.ndim == 1: p.fill_(1.0)
            else: p.normal_(0, 0.02, generator=g)
        for n, b in module.named_buffers():
            if not b.is_floating_point(): continue
            if 'std' in n: b.fill_(1.0)
            elif not torch.isfinite(b).all() or 'mean' in n: b.zero_()
    return module.eval().requires_grad_(False)

def build_transformer(cfg, device):
    from ltx_core.model.transformer import LTXModelConfigurator
    with torch.device('meta'): m = LTXModelConfigurator.from_config(cfg)
    return init_(m, device)

def build_decoders(cfg, device):
    from ltx_core.model.video_vae import VideoDecoderConfigurator
    from ltx_core.model.audio_vae import AudioDecoderConfigurator, VocoderConfigurator
    out = {}
    for name, C, dtype in (('video', VideoDecoderConfigurator, torch.bfloat16), ('audio', AudioDecoderConfigurator, torch.float32),
                           ('vocoder', VocoderConfigurator, torch.float32)):
        with torch.device('meta'): m = C.from_config(cfg)
        out[name] = init_(m, device, seed=1).to(dtype)
    return out

def parse(s):
    batch = s.endswith('+batch')
    base = s[:-len('+batch')] if batch else s
    kind, _, cap = base.partition('@')
    if kind not in ('resident', 'stream'): raise SystemExit(f'unknown scheme {s!r}: use resident, stream@CAP, with +batch')
    if kind == 'stream' and not cap: raise SystemExit(f'{s!r}: stream needs a cap, e.g. stream@24')
    return dict(scheme=s, kind=kind, cap_gib=float(cap) if cap else None, batch_guidance=batch)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--schemes', default='resident,resident+batch,stream@32,stream@32+batch,stream@24,stream@24+batch')
    ap.add_argument('--video-dims', default='768x512x97'); ap.add_argument('--fps', type=float, default=25.0)
    ap.add_argument('--steps', type=int, default=3, help='timed sampling steps per scheme')
    ap.add_argument('--warmup', type=int, default=1)
    ap.add_argument('--storage', default='bf16', choices=['bf16', 'fp8'], help='streamed copies in pinned RAM')
    ap.add_argument('--decode', action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument('--tiny', action='store_true'); ap.add_argument('--device', default='cuda')
    ap.add_argument('--out', default='sampling_bench.json')
    ap.add_argument('--time-budget', type=float, default=540)
    args = ap.parse_args()
    t_start = time.time()
    from ltx2lora.fixtures import ltx2_19b_config, tiny_ltx2_config
    from ltx2lora.offload import plan_offload, BlockStreamer
    from ltx2lora.placement import check_host_ram, plan_sampling, token_counts
    from ltx2lora.inference import (TextContexts, sample_latents, parse_video_dims,
                                    Decoders)
    from ltx_core.components.guiders import MultiModalGuiderParams   # (not inference.guidance: no ltx-pipelines needed)
    device = torch.device(args.device)
    cuda = device.type == 'cuda'
    if cuda and device.index is None: device = torch.device('cuda', torch.cuda.current_device())
    card = torch.cuda.get_device_name(device) if cuda else 'cpu'
    total = torch.cuda.get_device_properties(device).total_memory if cuda else 64 * GiB
    cfg = tiny_ltx2_config('2') if args.tiny else ltx2_19b_config()
    dims = (64, 64, 9) if args.tiny else parse_video_dims(args.video_dims)
    t0 = time.time(); model = build_transformer(cfg, device)
    print(f'transformer built in {time.time() - t0:.1f} s: {sum(p.numel() for p in model.parameters()) / 1e9:.2f} B parameters', flush=True)
    width = cfg['transformer']['caption_channels']
    g = torch.Generator(device=device).manual_seed(1)
    ctx = lambda: torch.randn(1, 128 if args.tiny else 1024, width, device=device, generator=g, dtype=torch.bfloat16)
    pos, neg = TextContexts(ctx(), ctx()), TextContexts(ctx(), ctx())
    blocks = [1] if args.tiny else [29]
    vg = MultiModalGuiderParams(cfg_scale=3.0, stg_scale=1.0, stg_blocks=blocks, rescale_scale=0.7, modality_scale=1.0)
    ag = MultiModalGuiderParams(cfg_scale=7.0, stg_scale=1.0, stg_blocks=blocks, rescale_scale=0.7, modality_scale=1.0)
    vt, at = token_counts(dims, args.fps)
    rows, streamer, ref, last = [], None, None, None
    for spec in map(parse, args.schemes.split(',')):
        if time.time() - t_start > args.time_budget: print('time budget reached; skipping', spec['scheme']); continue
        row = dict(spec, card=card, date=datetime.date.today().isoformat(), video_dims=list(dims), fps=args.fps,
                   video_tokens=vt, audio_tokens=at, passes_per_step=3, storage=args.storage)
        if cuda: torch.cuda.set_per_process_memory_fraction(1.0, device)
        if streamer is not None: streamer.restore(); streamer = None
        if cuda: torch.cuda.empty_cache()
        if spec['kind'] == 'stream':
            if args.tiny: plan = plan_offload(model.transformer_blocks, stream_fraction=1.0, storage_dtype=args.storage, passes=1)
            else: plan = plan_sampling(model, spec['cap_gib'], dims, args.fps, 3 if spec['batch_guidance'] else 1,
                                                storage_dtype=args.storage).plan
            print(plan, flush=True)
            check_host_ram(plan)
            if plan.streamed:
                streamer = BlockStreamer(model.transformer_blocks, plan, device=device, model=model).attach()
            row.update(streamed_fraction=round(plan.streamed_fraction, 4), planned_resident_gib=plan.resident_bytes / GiB,
                       planned_pcie_gb_per_pass=plan.streamed_bytes / 1e9)
        if cuda:
            torch.cuda.empty_cache()
            if spec['cap_gib'] and not args.tiny: torch.cuda.set_per_process_memory_fraction(spec['cap_gib'] * GiB / total, device)
            torch.cuda.reset_peak_memory_stats(device)
        stamps, bytes0 = [], (streamer.bytes_copied if streamer else 0)
        def tick(i, n):
            if cuda: torch.cuda.synchronize(device)
            stamps.append(time.perf_counter())
        try:
            if cuda: torch.cuda.synchronize(device)
            stamps.append(time.perf_counter())
            n = args.warmup + args.steps
            lat = sample_latents(model, pos, neg, dims, args.fps, n, seed=0, video_guidance=vg, audio_guidance=ag,
                                 batch_guidance=spec['batch_guidance'], callback=tick)
            per = [b - a for a, b in zip(stamps, stamps[1:])][args.warmup:]
            copied = (streamer.bytes_copied if streamer else 0) - bytes0
            row.update(s_per_step=statistics.median(per), s_min=min(per), s_max=max(per),
                       pcie_gb_per_step=copied / n / 1e9,
                       peak_gib=torch.cuda.max_memory_allocated(device) / GiB if cuda else None,
                       reserved_gib=torch.cuda.max_memory_reserved(device) / GiB if cuda else None,
                       finite=bool(torch.isfinite(lat.video).all()))
            if ref is None: ref = lat.video.float()
            row['max_diff_to_first_scheme'] = float((lat.video.float() - ref).abs().max())
            last = lat
        except torch.OutOfMemoryError as e:
            row['error'] = f'out of memory: {str(e)[:300]}'
        rows.append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1))
    if args.decode and last is not None and time.time() - t_start < args.time_budget:
        row = dict(scheme='decode (after ' + rows[-1]['scheme'] + ')', card=card, date=datetime.date.today().isoformat(),
                   video_dims=list(dims), cap_gib=rows[-1].get('cap_gib'))
        try:
            dec = build_decoders(cfg, 'cpu' if not cuda else device)
            d = Decoders.from_modules(dec['video'], dec['audio'], dec['vocoder'], device=str(device))   # tiled decoding
            row['decoder_params_m'] = {k: round(sum(p.numel() for p in m.parameters()) / 1e6, 1) for k, m in dec.items()}
            if cuda: torch.cuda.synchronize(device); torch.cuda.reset_peak_memory_stats(device)
            t = time.perf_counter()
            import warnings
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter('always')
                out = d.decode(last)             # falls back to smaller tiles, then the CPU, when the GPU is full
            row['decode_warnings'] = [str(w.message)[:200] for w in caught]
            if cuda: torch.cuda.synchronize(device)
            row.update(decode_s=time.perf_counter() - t, frames=list(out.frames.shape),
                       audio_samples=None if out.waveform is None else int(out.waveform.shape[-1]),
                       peak_gib=torch.cuda.max_memory_allocated(device) / GiB if cuda else None,
                       reserved_gib=torch.cuda.max_memory_reserved(device) / GiB if cuda else None)
        except torch.OutOfMemoryError as e:
            row['error'] = f'out of memory: {str(e)[:300]}'
        rows.append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1))
    if cuda: torch.cuda.set_per_process_memory_fraction(1.0, device)
    print(f"\n{'scheme':22} {'cap':>5} {'s/step':>7} {'peak GiB':>8} {'rsvd GiB':>8} {'PCIe GB/step':>12} {'streamed':>8}")
    for r in rows:
        if 'decode' in r['scheme']:
            print(f"{r['scheme']:22} {str(r.get('cap_gib') or '-'):>5} decode {r.get('decode_s', float('nan')):.1f} s, "
                  f"peak {(r.get('peak_gib') or float('nan')):.2f} GiB {r.get('error', '')}"); continue
        print(f"{r['scheme']:22} {str(r['cap_gib'] or '-'):>5} {r.get('s_per_step', float('nan')):7.2f} "
              f"{(r.get('peak_gib') or float('nan')):8.2f} {(r.get('reserved_gib') or float('nan')):8.2f} "
              f"{r.get('pcie_gb_per_step', 0):12.1f} {r.get('streamed_fraction', 0):8.0%} {r.get('error', '')}")

if __name__ == '__main__': main()
