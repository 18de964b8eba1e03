#!/usr/bin/env python3
"""ltx2lora weight-streaming benchmark on the real LTX-2 19B architecture (random bf16 weights).

Workload (as in ../shared/bench-baseline): 704x384x97 video latents [B,128,13,12,22] (3432 tokens) + 97 audio latents,
text contexts [B,1024,3840], LoRA r64/alpha64 on the guide's 8 target names, per-block gradient checkpointing.
ltx2lora's own choices: bf16 adapters (no fp32 copies), 8-bit AdamW (bitsandbytes), block streaming planned from the cap.

Each scheme is `name@CAP/bN`: `no-offload/b1`, `ltx2lora@24/b1`, `ltx2lora-fp8@24/b1`, ...  CAP in GiB
(torch.cuda.set_per_process_memory_fraction). `+compile` after the name (`no-offload+compile/b1`,
`ltx2lora+compile@24/b1`) compiles each transformer block's forward (ltx2lora.speed.compile_blocks, regional), with the
gradient checkpointing inside the compiled blocks (`+outerckpt`: ltx-core's checkpointing around them, as before;
`+cudagraphs`: the compiled blocks replayed as CUDA graphs; `+combo`: Inductor's combo kernels; `+cppwrapper`: Inductor's C++ wrapper (implies `+noasserts`: no input size/stride checks in the compiled code);
`+static`: the streamed weights marked as static inputs (`torch._dynamo.mark_static_address`, unguarded) for the CUDA graphs;
`+nopack`: the adapters not packed into one buffer, so the 8-bit AdamW makes one kernel call per tensor;
`+keep`: blocks keep their activations instead of recomputing them where the budget leaves memory over, as the trainer
picks them with `acceleration.checkpoint_blocks: auto`; `+keepN`: the last N resident blocks; `+tradeN`: the last N
resident blocks keep them and the plan streams more weights to make room). Writes a JSON list of rows (scheme, cap_gib, batch, s_per_step, peak_gib,
pcie_gb_per_step, gpu_busy_s, card, date, ...).

    python benchmarks/offload_bench.py --schemes no-offload/b1,ltx2lora@32/b1,ltx2lora@24/b1 --out results.json
    python benchmarks/offload_bench.py --tiny --device cpu --schemes no-offload/b1,ltx2lora@1/b1   # CPU smoke test
"""
import argparse, datetime, json, math, os, statistics, sys, time
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch

GUIDE_TARGETS = ['to_k', 'to_q', 'to_v', 'to_out.0', 'ff.net.0.proj', 'ff.net.2', 'audio_ff.net.0.proj', 'audio_ff.net.2']
GiB = 2**30

def parse_scheme(s):
    "`kind[~fraction][@cap]/bN`: e.g. ltx2lora@24/b1 (planned from the cap), ltx2lora~0.6@32/b4 (60 % streamed)."
    frac = None
    if '~' in s:
        head, _, tail = s.partition('~')
        import itertools
        num = ''.join(itertools.takewhile(lambda ch: ch.isdigit() or ch == '.', tail))
        frac, s2 = float(num), head + tail[len(num):]
    else: s2 = s
    d = _parse(s2); d.update(scheme=s, stream_fraction=frac)
    d['compile'] = '+compile' in d['kind']; d['kind'] = d['kind'].replace('+compile', '')
    d['grad_buffer'] = '+nogradbuf' not in d['kind']; d['kind'] = d['kind'].replace('+nogradbuf', '')
    d['packed'] = '+nopack' not in d['kind']; d['kind'] = d['kind'].replace('+nopack', '')
    d['recompute_inside'] = '+outerckpt' not in d['kind']; d['kind'] = d['kind'].replace('+outerckpt', '')
    d['cuda_graphs'] = '+cudagraphs' in d['kind']; d['kind'] = d['kind'].replace('+cudagraphs', '')
    d['static_streamed'] = '+static' in d['kind']; d['kind'] = d['kind'].replace('+static', '')
    d['combo'] = '+combo' in d['kind']; d['kind'] = d['kind'].replace('+combo', '')
    d['cpp_wrapper'] = '+cppwrapper' in d['kind']; d['kind'] = d['kind'].replace('+cppwrapper', '')
    d['no_asserts'] = '+noasserts' in d['kind'] or d['cpp_wrapper']; d['kind'] = d['kind'].replace('+noasserts', '')
    import re
    m = re.search(r'\+keep(\d*)', d['kind'])      # +keep: blocks keep their activations as the trainer picks; +keepN: the last N
    d['keep'] = None if m is None else (int(m.group(1)) if m.group(1) else 'auto')
    if m: d['kind'] = d['kind'].replace(m.group(0), '')
    m = re.search(r'\+trade(\d+)', d['kind'])    # +tradeN: N resident blocks keep their activations, paid for by streaming more
    d['trade'] = 0 if m is None else int(m.group(1))
    if m: d['kind'] = d['kind'].replace(m.group(0), ''); d['keep'] = d['trade']
    return d

def _parse(s):
    name, _, rest = s.partition('@')
    if '/' in name: name, b = name.split('/'); cap = None
    else:
        cap, _, b = rest.partition('/') if rest else ('', '', 'b1')
        cap = float(cap) if cap else None
    if not b: b = 'b1'
    return dict(scheme=s, kind=name, cap_gib=cap, batch=int(b.lstrip('b')))

def build_model(args, device):
    from ltx_core.model.transformer import LTXModelConfigurator
    from ltx2lora.fixtures import ltx2_19b_config, tiny_ltx2_config
    cfg = tiny_ltx2_config('2') if args.tiny else ltx2_19b_config()
    with torch.device('meta'): m = LTXModelConfigurator.from_config(cfg)
    m = m.to_empty(device=device).to(torch.bfloat16)
    g = torch.Generator(device=device).manual_seed(0)
    with torch.no_grad():
        for n, p in m.named_parameters():
            if p.dim() >= 2: p.normal_(0, 0.02, generator=g)
            elif 'norm' in n: p.fill_(1.0)
            else: p.normal_(0, 0.02, generator=g)
        for n, b in m.named_buffers():
            if b.is_floating_point() and not torch.isfinite(b).all(): b.zero_()
    m.requires_grad_(False)
    return m, cfg

def make_inputs(cfg, batch, device, tiny, seed=1):
    from ltx_core.model.transformer import Modality
    from ltx_core.tools import VideoLatentTools, AudioLatentTools
    from ltx_core.components.patchifiers import VideoLatentPatchifier, AudioPatchifier
    from ltx_core.types import VideoLatentShape, AudioLatentShape
    g = torch.Generator(device=device).manual_seed(seed)
    vshape, at, L, D = ((batch, 128, 2, 2, 2), 13, 128, 64) if tiny else ((batch, 128, 13, 12, 22), 97, 1024, 3840)
    vl = torch.randn(vshape, device=device, generator=g, dtype=torch.bfloat16)
    al = torch.randn((batch, 8, at, 16), device=device, generator=g, dtype=torch.bfloat16)
    vt = VideoLatentTools(VideoLatentPatchifier(patch_size=1), VideoLatentShape.from_torch_shape(vl.shape), fps=25.0)
    atl = AudioLatentTools(AudioPatchifier(patch_size=1), AudioLatentShape.from_torch_shape(al.shape))
    v = vt.create_initial_state(device, torch.bfloat16, vl); a = atl.create_initial_state(device, torch.bfloat16, al)
    sigma = torch.rand(batch, device=device, generator=g, dtype=torch.float32).to(torch.bfloat16)
    nv = torch.randn(v.latent.shape, device=device, generator=g, dtype=torch.bfloat16)
    na = torch.randn(a.latent.shape, device=device, generator=g, dtype=torch.bfloat16)
    xv = (1 - sigma[:, None, None]) * v.latent + sigma[:, None, None] * nv
    xa = (1 - sigma[:, None, None]) * a.latent + sigma[:, None, None] * na
    ctx = torch.randn(batch, L, D, device=device, generator=g, dtype=torch.bfloat16)
    video = Modality(latent=xv, sigma=sigma, timesteps=v.denoise_mask.squeeze(-1) * sigma[:, None], positions=v.positions, context=ctx)
    audio = Modality(latent=xa, sigma=sigma, timesteps=a.denoise_mask.squeeze(-1) * sigma[:, None], positions=a.positions, context=ctx)
    return video, audio, (nv - v.latent).float(), (na - a.latent).float()

def gpu_busy_seconds(fn):
    "Union of CUDA kernel intervals over one call of fn (torch.profiler, CUDA activity only)."
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CUDA]) as prof: fn(); torch.cuda.synchronize()
    iv = sorted((e.time_range.start, e.time_range.end) for e in prof.events()
                if e.device_type == torch.autograd.DeviceType.CUDA and 'Memcpy' not in e.name and 'Memset' not in e.name)
    busy, cur_s, cur_e = 0, None, None
    for s, e in iv:
        if cur_e is None or s > cur_e:
            if cur_e is not None: busy += cur_e - cur_s
            cur_s, cur_e = s, e
        else: cur_e = max(cur_e, e)
    if cur_e is not None: busy += cur_e - cur_s
    return busy / 1e6, prof

def memory_report(device)->dict:
    "Allocator figures (GiB) and, per (stream, pool), reserved vs allocated segment bytes: where reserved memory went."
    st = torch.cuda.memory_stats(device)
    out = {'allocated_gib': round(st.get('allocated_bytes.all.current', 0) / GiB, 3),
           'reserved_gib': round(st.get('reserved_bytes.all.current', 0) / GiB, 3),
           'inactive_split_gib': round(st.get('inactive_split_bytes.all.current', 0) / GiB, 3),
           'alloc_retries': st.get('num_alloc_retries', 0), 'ooms': st.get('num_ooms', 0)}
    seg = {}
    for s in torch.cuda.memory_snapshot():
        key = f"stream {s.get('stream', 0)} {s.get('segment_type', '?')}"
        d = seg.setdefault(key, [0, 0, 0, 0])
        d[0] += s['total_size']; d[1] += s['allocated_size']; d[2] += 1
        d[3] += sum(1 for b in s.get('blocks', []) if b.get('state') == 'active_allocated')
    out['segments'] = {k: dict(reserved_gib=round(v[0] / GiB, 3), allocated_gib=round(v[1] / GiB, 3), segments=v[2], live_blocks=v[3])
                       for k, v in seg.items()}
    sites = allocation_sites()
    if sites: out['allocation_sites'] = sites
    return out

def _site(frames)->str:
    "The most telling frame of an allocation's stack: our code, ltx-core, Inductor's generated code or CUDA graph trees."
    keys = ('ltx2lora', 'ltx_core', 'torchinductor', '/tmp/inductor', 'cudagraph_trees', 'peft', 'bitsandbytes', 'offload_bench')
    for f in frames or ():
        if any(k in f.get('filename', '') for k in keys): return f"{f['filename'].split('/')[-1]}:{f.get('line')} {f.get('name')}"
    f = (frames or [{}])[0]
    return f"{f.get('filename', '?').split('/')[-1]}:{f.get('line')} {f.get('name')}"

def allocation_sites(top=12)->dict:
    "With `--alloc-sites` (allocation history recorded): the live blocks' bytes per stream, by allocation site."
    if not getattr(allocation_sites, 'on', False): return {}
    per = {}
    for s in torch.cuda.memory._snapshot()['segments']:
        for b in s.get('blocks', []):
            if b.get('state') != 'active_allocated': continue
            d = per.setdefault(f"stream {s.get('stream', 0)}", {})
            k = _site(b.get('frames'))
            d[k] = [d.get(k, [0, 0])[0] + b['size'], d.get(k, [0, 0])[1] + 1]
    return {st: [dict(site=k, gib=round(v[0] / GiB, 3), blocks=v[1]) for k, v in sorted(d.items(), key=lambda kv: -kv[1][0])[:top]]
            for st, d in per.items()}

def validation_during_training(pm, model, cfg, compiled, steps, device, train_step, opt, zero_grads):
    "Sample as validation does (eval, no grad, CFG + STG, 768x512x97) with the training model under its cap, then train on."
    from ltx2lora.inference import TextContexts, sample_latents
    from ltx_core.components.guiders import MultiModalGuiderParams
    width = cfg['transformer']['caption_channels']
    g = torch.Generator(device=device).manual_seed(5)
    ctx = lambda: torch.randn(1, 1024, width, device=device, generator=g, dtype=torch.bfloat16)
    pos, neg = TextContexts(ctx(), ctx()), TextContexts(ctx(), ctx())
    vg = MultiModalGuiderParams(cfg_scale=3.0, stg_scale=1.0, stg_blocks=[29], rescale_scale=0.7, modality_scale=1.0)
    ag = MultiModalGuiderParams(cfg_scale=7.0, stg_scale=1.0, stg_blocks=[29], rescale_scale=0.7, modality_scale=1.0)
    stamps = []
    def tick(i, n): torch.cuda.synchronize(device); stamps.append(time.perf_counter())
    out = {}
    import gc; gc.collect(); torch.cuda.empty_cache()   # as the trainer does before validation
    torch.cuda.reset_peak_memory_stats(device)
    try:
        pm.eval()
        ctxm = compiled.eager() if compiled is not None else __import__('contextlib').nullcontext()
        with ctxm:
            torch.cuda.synchronize(device); stamps.append(time.perf_counter())
            lat = sample_latents(pm, pos, neg, (768, 512, 97), 25.0, steps + 1, seed=0, video_guidance=vg, audio_guidance=ag,
                                 callback=tick)
        per = [b - a for a, b in zip(stamps, stamps[1:])][1:]
        out.update(validation_s_per_step=statistics.median(per), validation_peak_gib=torch.cuda.max_memory_allocated(device) / GiB,
                   validation_finite=bool(torch.isfinite(lat.video).all()))
    except torch.OutOfMemoryError as e:
        out['validation_error'] = f'out of memory: {str(e)[:200]}'
        out['validation_oom_memory'] = memory_report(device)
    finally: pm.train()
    torch.cuda.empty_cache()
    try:
        torch.cuda.synchronize(device); t = time.perf_counter()
        train_step(); opt.step(); zero_grads(); torch.cuda.synchronize(device)
        out['step_after_validation_s'] = time.perf_counter() - t
    except torch.OutOfMemoryError as e:
        out['step_after_validation_error'] = f'out of memory: {str(e)[:200]}'
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--schemes', default='no-offload/b1,ltx2lora@32/b1,ltx2lora@24/b1,no-offload/b4,ltx2lora@32/b4,ltx2lora@24/b4')
    ap.add_argument('--steps', type=int, default=5); ap.add_argument('--warmup', type=int, default=2)
    ap.add_argument('--rank', type=int, default=64)
    ap.add_argument('--tiny', action='store_true'); ap.add_argument('--device', default='cuda')
    ap.add_argument('--profile', action='store_true', help='measure GPU kernel-busy time on one extra step')
    ap.add_argument('--top-kernels', type=int, default=0, help='print the N most expensive kernels of the first scheme')
    ap.add_argument('--out', default='offload_bench.json')
    ap.add_argument('--time-budget', type=float, default=540)
    ap.add_argument('--validation-steps', type=int, default=0,
                    help='after the first eager and the first compiled ltx2lora scheme: N sampling steps at 768x512x97 with CFG+STG on the training model '
                         '(streamed, adapters live, optimizer state kept, same cap), then one more training step')
    ap.add_argument('--host-profile', action='store_true',
                    help='profile one step of the first compiled scheme with CPU activity too: where the host time goes')
    ap.add_argument('--layout', choices=('trainer', 'bench'), default='trainer',
                    help='trainer: before streaming, the weights go to the CPU first and the resident ones come back in '
                         'block order, as LoraTrainer loads them (no holes between resident weights); bench: stream '
                         'straight from the GPU-initialised model (leaves freed holes between resident weights)')
    ap.add_argument('--alloc-sites', action='store_true',
                    help='record the CUDA allocation history (slow host) and, at an out-of-memory error, print the live bytes by allocation site and stream')
    ap.add_argument('--stack-dumps', type=float, default=0, help='print every thread\'s stack every N s (to see where time goes)')
    args = ap.parse_args()
    t_start = time.time()
    if args.alloc_sites and args.device.startswith('cuda'):
        torch.cuda.memory._record_memory_history(max_entries=500000); allocation_sites.on = True
    if args.stack_dumps:
        import faulthandler; faulthandler.dump_traceback_later(args.stack_dumps, repeat=True)
    from ltx2lora.distributed import init_distributed, average_gradients, barrier
    run = init_distributed(args.device)          # under torchrun: one rank per GPU, LoRA gradients averaged
    device = torch.device(run.device)
    cuda = device.type == 'cuda'
    if cuda and device.index is None: device = torch.device('cuda', torch.cuda.current_device())
    if not run.is_main:
        import builtins; builtins.print = lambda *a, **k: None
    stamp = lambda what: print(f'[{time.time() - t_start:.0f} s] {what}', flush=True)
    stamp('distributed set up')
    import peft
    from ltx2lora.offload import plan_offload, BlockStreamer
    from ltx2lora.placement import (training_budget, estimate_activation_bytes, check_host_ram, blocks_keeping_activations,
                                    estimate_kept_activation_bytes, estimate_graph_pool_bytes)
    card = torch.cuda.get_device_name(device) if cuda else 'cpu'
    total = torch.cuda.get_device_properties(device).total_memory if cuda else 64 * GiB
    t0 = time.time(); model, cfg = build_model(args, device); print(f'model built in {time.time() - t0:.1f} s', flush=True)
    stamp('model built')
    pm = peft.get_peft_model(model, peft.LoraConfig(r=args.rank, lora_alpha=args.rank, target_modules=GUIDE_TARGETS),
                             autocast_adapter_dtype=False)
    for n, p in pm.named_parameters():
        if 'lora_' in n: p.data = p.data.to(torch.bfloat16)
    lora = [p for n, p in pm.named_parameters() if p.requires_grad]
    stamp('adapters attached')
    torch.manual_seed(0)
    for n, p in pm.named_parameters():
        if 'lora_B' in n: torch.nn.init.normal_(p, std=1e-3)
    init = [p.detach().to('cpu', copy=True) for p in lora]   # on the CPU: 1.15 GB on the GPU would be outside every plan
    n_lora = sum(p.numel() for p in lora)
    model.set_gradient_checkpointing(True); pm.train()
    non_block = sum(p.numel() * p.element_size() for n, p in model.named_parameters() if 'transformer_blocks' not in n)
    print(f'LoRA params {n_lora / 1e6:.1f} M; non-block weights {non_block / 1e9:.2f} GB', flush=True)
    rows, streamer, ref, compiled, validated = [], None, None, None, set()
    queue = list(map(parse_scheme, args.schemes.split(',')))
    while queue:
        spec = queue.pop(0)
        if time.time() - t_start > args.time_budget: print('time budget reached; skipping', spec['scheme']); continue
        row = dict(scheme=spec['kind'] if spec['kind'] != 'ltx2lora-fp8' else 'ltx2lora', variant=spec['scheme'],
                   cap_gib=spec['cap_gib'], batch=spec['batch'], card=card, date=datetime.date.today().isoformat(),
                   storage='fp8' if 'fp8' in spec['kind'] else 'bf16', compiled=spec['compile'],
                   alloc_conf=os.environ.get('PYTORCH_CUDA_ALLOC_CONF', ''))
        if compiled is not None:
            compiled.restore(); compiled = None
        if cuda:
            torch.cuda.set_per_process_memory_fraction(1.0, device); torch.cuda.empty_cache()
        if streamer is not None: streamer.restore(); streamer = None
        video, audio, tv, ta = make_inputs(cfg, spec['batch'], device, args.tiny, seed=1 + run.rank)
        on_device = next(model.parameters()).device.type == device.type
        if spec['kind'].startswith('ltx2lora') and args.layout == 'trainer' and cuda and on_device:
            import gc
            t0 = time.time(); model.to('cpu'); gc.collect(); torch.cuda.empty_cache()
            stamp(f'weights to the CPU in {time.time() - t0:.1f} s (resident ones come back in block order)')
        elif not spec['kind'].startswith('ltx2lora') and not on_device:
            model.to(device)
        row.update(world_size=run.world_size)
        plan = None
        if spec['kind'].startswith('ltx2lora'):
            cap = (spec['cap_gib'] or 80) * GiB
            act = estimate_activation_bytes(3432 if not args.tiny else 8, 97 if not args.tiny else 13, batch=spec['batch'],
                                            num_blocks=len(model.transformer_blocks),
                                            video_dim=model.transformer_blocks[0].attn1.to_q.base_layer.in_features,
                                            audio_dim=model.transformer_blocks[0].audio_attn1.to_q.base_layer.in_features)
            storage = 'fp8' if 'fp8' in spec['kind'] else 'bf16'
            slot_guess = plan_offload(model.transformer_blocks, stream_fraction=0.5, storage_dtype=storage).gpu_overhead_bytes
            vt, at = (3432, 97) if not args.tiny else (8, 13)   # the one placement policy's budget (no connectors here)
            bud = training_budget(int(cap), pm, None, lora, 'adamw8bit', vt, at, spec['batch'], slot_bytes=slot_guess)
            resident = bud.resident_budget - int(spec.get('extra_gib', 0) * GiB)
            if spec['trade']:                        # the kept activations' memory comes out of the resident weights
                vt, at = (3432, 97) if not args.tiny else (8, 13)
                vd = model.transformer_blocks[0].attn1.to_q.base_layer.in_features
                ad = model.transformer_blocks[0].audio_attn1.to_q.base_layer.in_features
                per = (estimate_kept_activation_bytes(vt, at, batch=spec['batch'], video_dim=vd, audio_dim=ad)
                       - spec['batch'] * 2 * (vt * vd + at * ad))
                resident -= spec['trade'] * per
                row['traded_gib'] = spec['trade'] * per / GiB
            plan = (plan_offload(model.transformer_blocks, stream_fraction=spec['stream_fraction'], storage_dtype=storage)
                    if spec['stream_fraction'] is not None else
                    plan_offload(model.transformer_blocks, resident_budget=resident, storage_dtype=storage))
            print(bud); print(plan, flush=True)
            from ltx2lora.distributed import ranks_on_this_machine
            check_host_ram(plan, copies=ranks_on_this_machine())
            streamer = BlockStreamer(model.transformer_blocks, plan, device=device, model=model).attach()
            if spec['static_streamed']:              # the streamed weights as static inputs of the CUDA graphs (their slot addresses)
                for pk in streamer.packs.values():
                    for name, lin, *_ in pk['entries']: torch._dynamo.mark_static_address(lin.weight, guard=False)
            row['static_streamed'] = spec['static_streamed']
            model.to(device)                             # the rest (streamed weights stay in pinned RAM), as the trainer
            row.update(streamed_fraction=round(plan.streamed_fraction, 4), planned_pcie_gb=plan.pcie_bytes_per_step / 1e9,
                       planned_resident_gib=plan.resident_bytes / GiB, planned_activation_gib=act / GiB,
                       extra_margin_gib=spec.get('extra_gib', 0))
        stamp(f"{spec['scheme']}: set up")
        row['packed'] = spec['packed']
        if spec['packed']:                           # as the trainer: the adapters in one buffer (one optimizer kernel call)
            from ltx2lora.lora import pack_parameters
            pack_parameters(lora)
        else:                                        # each adapter its own tensor (the optimizer: one call per tensor)
            for p in lora:
                if getattr(p, '_ltx2lora_packed', False): p.data = p.data.clone(); del p._ltx2lora_packed
        keep = []
        if spec['keep'] is not None:
            vt, at = (3432, 97) if not args.tiny else (8, 13)
            vd = model.transformer_blocks[0].attn1.to_q.base_layer.in_features
            ad = model.transformer_blocks[0].audio_attn1.to_q.base_layer.in_features
            if spec['keep'] == 'auto':
                act = estimate_activation_bytes(vt, at, batch=spec['batch'], num_blocks=len(model.transformer_blocks), video_dim=vd, audio_dim=ad)
                pool = estimate_graph_pool_bytes(vt, at, batch=spec['batch'], video_dim=vd, audio_dim=ad) if spec['cuda_graphs'] else 0
                bud_k = training_budget(int(spec['cap_gib'] * GiB) if spec['cap_gib'] else total, pm, None, lora, 'adamw8bit',
                                        vt, at, spec['batch'], slot_bytes=plan.gpu_overhead_bytes if plan is not None else 0,
                                        graph_pool_bytes=pool)
                keep = blocks_keeping_activations(model.transformer_blocks, bud_k, plan,
                                                  estimate_kept_activation_bytes(vt, at, batch=spec['batch'], video_dim=vd, audio_dim=ad),
                                                  spec['batch'] * 2 * (vt * vd + at * ad))
            else:
                eligible = [i for i in range(1, len(model.transformer_blocks)) if plan is None or i not in plan.streamed]
                keep = eligible[len(eligible) - min(spec['keep'], len(eligible)):]
            print(f"{spec['scheme']}: {len(keep)} blocks keep their activations", flush=True)
        row['kept_blocks'] = len(keep)
        if spec['compile']:
            from ltx2lora.speed import compile_blocks
            options = {**({'combo_kernels': True} if spec['combo'] else {}),         # independent small kernels in one launch
                       **({'cpp_wrapper': True} if spec['cpp_wrapper'] else {})}     # the graph's launcher code in C++, not Python
            if spec['no_asserts']:                       # no size/stride/alignment checks of the inputs at every call
                import torch._inductor.config as ic
                options.update({k: False for k in ('size_asserts', 'scalar_asserts', 'alignment_asserts') if hasattr(ic, k)})
            # the C++ wrapper cannot run the CUDA-graph-safe RNG wrapper AOTAutograd puts around the (dropout-free)
            # attention kernels of a checkpointed region; the plain RNG wrapper is used instead
            import torch._functorch.config as fc
            fc.graphsafe_rng_functionalization = not spec['cpp_wrapper']
            graphs = dict(options=options) if options else {}
            compiled = compile_blocks(pm, mode='on', device=str(device), recompute_inside=spec['recompute_inside'],
                                      keep_activations=keep, cuda_graphs=spec['cuda_graphs'], **graphs)
            row.update(recompute_inside=spec['recompute_inside'], cuda_graphs=spec['cuda_graphs'], combo_kernels=spec['combo'],
                       cpp_wrapper=spec['cpp_wrapper'], no_asserts=spec['no_asserts'])
        if cuda:
            torch.cuda.empty_cache()
            if spec['cap_gib']: torch.cuda.set_per_process_memory_fraction(spec['cap_gib'] * GiB / total, device)
            torch.cuda.reset_peak_memory_stats(device)
        with torch.no_grad():
            for p, q in zip(lora, init): p.copy_(q)
        import bitsandbytes as bnb
        from ltx2lora.training import make_optimizer   # the trainer's: bitsandbytes' AdamW8bit without its per-parameter waits
        opt = make_optimizer(lora, 'adamw8bit' if cuda else 'adamw', 1e-4, 0.01)
        row['grad_buffer'] = spec['grad_buffer']
        if spec['grad_buffer']:                      # as the trainer does: the adapters' gradients in one buffer
            from ltx2lora.lora import GradientBuffer
            grads = GradientBuffer(lora)
            zero_grads = grads.zero_
        else:
            for p in lora: p.grad = None
            zero_grads = lambda: opt.zero_grad(set_to_none=True)
        def step():
            if compiled is not None: compiled.step_begin()   # CUDA graphs: the previous step's outputs may be overwritten
            v, a = pm(video, audio, None)
            loss = torch.nn.functional.mse_loss(v.float(), tv) + torch.nn.functional.mse_loss(a.float(), ta)
            loss.backward()
            average_gradients(lora, run)             # one process: nothing; torchrun: the ranks' mean
            return loss
        times, bytes_per = [], []
        try:
            for i in range(args.warmup + args.steps):
                b0 = streamer.bytes_copied if streamer else 0
                if cuda: torch.cuda.synchronize()
                t = time.perf_counter()
                loss = step()
                if i == 0:
                    gn = torch.sqrt(sum(p.grad.float().pow(2).sum() for p in lora)).item()
                    row.update(loss0=loss.item(), lora_grad_norm0=gn)
                    if ref is None: ref = (loss.item(), gn)
                opt.step(); zero_grads()
                if cuda: torch.cuda.synchronize()
                print(f'[{time.time() - t_start:.0f} s] {spec["scheme"]} step {i}: {time.perf_counter() - t:.2f} s', flush=True)
                if i == 0: row['first_step_s'] = time.perf_counter() - t
                if i >= args.warmup:
                    times.append(time.perf_counter() - t); bytes_per.append((streamer.bytes_copied if streamer else 0) - b0)
            row.update(samples_per_s=run.world_size * spec['batch'] / statistics.median(times))
            row.update(s_per_step=statistics.median(times), s_min=min(times), s_max=max(times),
                       pcie_gb_per_step=statistics.median(bytes_per) / 1e9,
                       peak_gib=(torch.cuda.max_memory_allocated(device) / GiB) if cuda else None,
                       reserved_gib=(torch.cuda.max_memory_reserved(device) / GiB) if cuda else None)
            if cuda: row['alloc_retries'] = torch.cuda.memory_stats(device).get('num_alloc_retries', 0)
            if args.validation_steps and streamer is not None and cuda and spec['compile'] not in validated:
                validated.add(spec['compile'])        # once eager, once compiled (validation itself always runs eagerly)
                row.update(validation_during_training(pm, model, cfg, compiled, args.validation_steps, device, step, opt, zero_grads))
            if cuda and not run.active:                  # where a step's time goes: each phase timed on its own
                phases = []
                for _ in range(3):
                    torch.cuda.synchronize(); t0 = time.perf_counter()
                    step(); t1 = time.perf_counter(); torch.cuda.synchronize(); t2 = time.perf_counter()
                    opt.step(); t3 = time.perf_counter(); torch.cuda.synchronize(); t4 = time.perf_counter()
                    zero_grads(); torch.cuda.synchronize(); t5 = time.perf_counter()
                    phases.append(dict(forward_backward_host_s=t1 - t0, forward_backward_s=t2 - t0,
                                       optimizer_host_s=t3 - t2, optimizer_s=t4 - t2, zero_grad_s=t5 - t4))
                row['phases'] = {k: round(statistics.median(p[k] for p in phases), 4) for k in phases[0]}
                print(f"phases of {spec['scheme']}: {row['phases']}", flush=True)
            if args.host_profile and spec['compile'] and streamer is None and cuda and not run.active:
                main.host_profiled = True
                from torch.profiler import profile, ProfilerActivity
                with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as hp:
                    torch.cuda.synchronize(); t = time.perf_counter()
                    step(); opt.step(); zero_grads(); torch.cuda.synchronize()
                    wall = time.perf_counter() - t
                ev = hp.key_averages()
                launches = sum(e.count for e in ev if e.key in ('cudaLaunchKernel', 'cuLaunchKernel', 'cudaLaunchKernelExC', 'cuLaunchKernelEx'))
                syncs = {e.key: (e.count, round(e.cpu_time_total / 1e6, 4)) for e in ev
                         if 'Synchronize' in e.key or e.key in ('cudaMemcpyAsync', 'cudaMemcpy', 'cudaStreamWaitEvent')}
                row.update(host_profile=dict(wall_s=wall, kernel_launches=launches, sync_calls=syncs))
                print(f"host profile of {spec['scheme']} (one step, {wall:.2f} s under the profiler): {launches} kernel launches; "
                      f"synchronising calls {syncs}")
                print(ev.table(sort_by='self_cpu_time_total', row_limit=30), flush=True)
            if args.profile and cuda and not run.active:
                def one():
                    step(); opt.step(); zero_grads()
                busy, prof = gpu_busy_seconds(one)
                row['gpu_busy_s'] = busy
                if args.top_kernels and (not rows or (spec['compile'] and not any(r.get('compiled') and 'gpu_busy_s' in r for r in rows))):
                    print(f"top kernels of {spec['scheme']}:")
                    print(prof.key_averages().table(sort_by='self_cuda_time_total', row_limit=args.top_kernels), flush=True)
            if spec['cuda_graphs']:
                from torch._dynamo.utils import counters
                row['cudagraph_skips'] = counters['inductor'].get('cudagraph_skips', 0)
                print('CUDA graph counters:', {k: v for k, v in counters['inductor'].items() if 'cudagraph' in k}, flush=True)
                if cuda:                                 # what the graph trees' pool holds after the steps
                    row['memory_after'] = memory_report(device)
                    print('memory after the steps:', json.dumps(row['memory_after'].get('segments')), flush=True)
            row['matches_first_scheme'] = (abs(row['loss0'] - ref[0]) <= 1e-2 * abs(ref[0]) and
                                           abs(row['lora_grad_norm0'] - ref[1]) <= 1e-2 * abs(ref[1]))
        except torch.OutOfMemoryError as e:
            msg = str(e)
            row['error'] = f'out of memory: {msg[:120]} ... {msg[msg.find("Of the allocated"):][:200]}'
            if cuda: row['oom_memory'] = memory_report(device)
            print(json.dumps(row.get('oom_memory')), flush=True)
            if spec['kind'].startswith('ltx2lora') and spec.get('extra_gib', 0) < 4:
                queue.insert(0, dict(spec, extra_gib=spec.get('extra_gib', 0) + 1))   # plan again, 1 GiB less resident
                row['retry'] = 'planned again with 1 GiB less resident'
        except Exception as e:                       # a compiler failure, say: record it and go on with the next scheme
            import traceback; traceback.print_exc()
            row['error'] = f'{type(e).__name__}: {str(e)[:300]}'
        if compiled is not None: row['compile_s_first_call'] = compiled.compile_seconds
        row['optimizer_runs'] = [len(r.params) for runs in (getattr(opt, '_runs', None) or []) for r in runs]   # packed: one call each
        del opt
        if spec['grad_buffer']: grads.close(); del grads
        for p in lora: p.grad = None
        rows.append(row)
        print(json.dumps(row), flush=True)
        if run.is_main: Path(args.out).write_text(json.dumps(rows, indent=1))
    if cuda: torch.cuda.set_per_process_memory_fraction(1.0, device)
    if streamer is not None: streamer.restore()
    if compiled is not None: compiled.restore()
    print(f"\n{'scheme':24} {'cap':>5} {'B':>2} {'s/step':>7} {'peak GiB':>8} {'PCIe GB':>8} {'GPU busy':>8} {'streamed':>8} loss0 / gradnorm0")
    for r in rows:
        print(f"{r['variant']:24} {str(r['cap_gib'] or '-'):>5} {r['batch']:>2} {r.get('s_per_step', float('nan')):7.3f} "
              f"{(r.get('peak_gib') or float('nan')):8.2f} {r.get('pcie_gb_per_step', 0):8.1f} {r.get('gpu_busy_s', float('nan')):8.3f} "
              f"{r.get('streamed_fraction', 0):8.0%} {r.get('loss0', float('nan')):.4f} / {r.get('lora_grad_norm0', float('nan')):.4f} {r.get('error', '')}")

if __name__ == '__main__': main()
