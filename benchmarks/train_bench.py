#!/usr/bin/env python3
"""The product at real size: `LoraTrainer` (the code `ltx2lora train` runs) on a full-size random LTX-2 checkpoint.

    python benchmarks/train_bench.py prepare DIR [--version 19b] [--bucket 704x384x97] [--samples 4]
    python benchmarks/train_bench.py run DIR --name NAME [--cap GIB] [--steps 20] [--validate-at N]
                                         [--set acceleration.offload=auto ...] --out ROWS.jsonl

`prepare` writes `ltx2lora fixtures --full-size`'s files into DIR (a random-weight checkpoint in the released
single-file layout, built on the GPU, and a synthetic `.precomputed` cache of the bucket) plus the validation
prompts' conditions. `run` is one row, in a process of its own (its cap, its host RAM peak): it caps the CUDA
allocator at GIB (`torch.cuda.set_per_process_memory_fraction`: a 24 GB card is stood for by 23 GiB, a 32 GB card by
31), loads the guide's config (`benchmarks/guide_config.yaml`) with only the paths, steps, checkpoints, validation,
wandb and the `--set` keys changed, and trains with `LoraTrainer` and the validation hook `train()` would make
(`ltx2lora.inference.validation_hook`) given the validation prompts' conditions encoded beforehand, as the official
trainer caches them (Gemma 3 12B itself is not on the disk: its place is taken by a tiny Gemma folder that is never
loaded). A row records what the issue asks: program, model, cap, batch, streamed share, median s/step after warm-up
(epoch boundaries included), first step, GPU peak allocated/reserved, host peak RSS, PCIe GB/step, the placement's
budget against `torch.cuda.memory_allocated()`, card, date and the command.
"""
import argparse, datetime, json, os, resource, shlex, shutil, statistics, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
GiB = 2**30


def _set(cfg:dict, dotted:str, value):
    *path, last = dotted.split('.')
    d = cfg
    for k in path: d = d.setdefault(k, {})
    d[last] = value


def prepare(args):
    from ltx2lora.fixtures import write_full_size_fixtures, write_tiny_gemma
    import torch
    out = Path(args.dir); t0 = time.time()
    w, h, f = (int(v) for v in args.bucket.split('x'))
    config = None
    if args.tiny:                      # the small stand-in: the same code path on the CPU, in seconds
        from ltx2lora.fixtures import tiny_ltx2_config
        config = tiny_ltx2_config('2' if args.version == '19b' else '2.3')
    made = write_full_size_fixtures(out, args.version, (w, h, f), args.samples, config=config, show_progress=False,
                                    text_tokens=128 if args.tiny else 1024)
    write_tiny_gemma(out/'gemma-placeholder')
    from ltx2lora.fixtures import write_synthetic_cache    # IC-LoRA rows: the same clips with a clip-size reference, no audio
    ic = write_synthetic_cache(out/'dataset-ic', made['checkpoint'], (w, h, f), args.samples, with_audio=False,
                               with_reference=True, text_tokens=128 if args.tiny else 1024)
    conds = sorted((made['precomputed']/'conditions').rglob('*.pt'))
    torch.save([torch.load(conds[0], weights_only=True), torch.load(conds[-1], weights_only=True)], out/'validation_conditions.pt')
    info = dict(checkpoint=str(made['checkpoint']), precomputed=str(made['precomputed']), precomputed_ic=str(ic), seconds=round(time.time() - t0, 1),
                checkpoint_gb=made['checkpoint'].stat().st_size / 1e9, version=args.version, bucket=args.bucket)
    (out/'prepared.json').write_text(json.dumps(info))
    print(json.dumps(info))


def _config(args, info:dict, out_dir:Path)->dict:
    import yaml
    cfg = yaml.safe_load((HERE/'guide_config.yaml').read_text())
    _set(cfg, 'model.model_path', info['checkpoint'])
    _set(cfg, 'model.text_encoder_path', str(Path(args.dir)/'gemma-placeholder'))
    _set(cfg, 'data.preprocessed_data_root', info['precomputed'])
    _set(cfg, 'output_dir', str(out_dir))
    _set(cfg, 'optimization.steps', args.steps)
    _set(cfg, 'checkpoints.interval', None)
    _set(cfg, 'wandb.enabled', False)
    _set(cfg, 'validation.interval', args.validate_at)
    _set(cfg, 'validation.prompts', ['[VISUAL]: a random prompt of the benchmark [SPEECH]: None [SOUNDS]: ambient [TEXT]: None'])
    for kv in args.set:
        k, v = kv.split('=', 1)
        _set(cfg, k, yaml.safe_load(v))
    if cfg['training_strategy'].get('name') == 'video_to_video':     # IC-LoRA: the cache with references, video only
        if 'precomputed_ic' not in info: raise SystemExit(f'{args.dir}: prepared before IC-LoRA rows existed; delete it and prepare again')
        _set(cfg, 'data.preprocessed_data_root', info['precomputed_ic'])
        cfg['training_strategy'] = {k: v for k, v in cfg['training_strategy'].items() if k != 'with_audio'}
    return cfg


def _rss_now()->dict:
    "The process's resident memory by kind (GiB): RssAnon, RssFile, RssShmem."
    try: status = Path('/proc/self/status').read_text()
    except OSError: return {}
    return {line.split(':')[0]: int(line.split()[1]) * 1024 / GiB for line in status.splitlines()
            if line.split(':')[0] in ('RssAnon', 'RssFile', 'RssShmem')}


def _watch_rss(peaks:dict, stop):
    "Sample the process's anonymous and file-backed resident memory (GiB) until `stop` is set; keep the peaks."
    while not stop.wait(0.25):
        for k, v in _rss_now().items(): peaks[k] = max(peaks.get(k, 0), v)


def _anonymous_maps(pinned_sizes=())->dict:
    """Where the process's anonymous resident memory is (GiB): the glibc heap, the pinned weight buffers (mappings whose
    size is one of `pinned_sizes`, rounded to pages), other mappings by size class, and the largest few."""
    try: text = Path('/proc/self/smaps').read_text()
    except OSError: return {}
    maps, cur = [], None
    for line in text.splitlines():
        head = line.split()
        if '-' in head[0] and len(head) >= 5 and ':' not in head[0]:
            a, b = (int(x, 16) for x in head[0].split('-'))
            cur = dict(size=b - a, path=head[5] if len(head) > 5 else '', anon=0); maps.append(cur)
        elif head[0] == 'Anonymous:' and cur is not None: cur['anon'] = int(head[1]) * 1024
    pages = {(n + 4095) // 4096 * 4096 for n in pinned_sizes}
    out = dict(total=0, heap=0, pinned_buffers=0, pinned_count=0, stacks=0, other_small=0, other_64m_plus=0)
    for m in maps:
        out['total'] += m['anon']
        if m['path'] == '[heap]': out['heap'] += m['anon']
        elif m['path'].startswith('[stack'): out['stacks'] += m['anon']
        elif any(abs(m['size'] - p) <= 8192 for p in pages): out['pinned_buffers'] += m['anon']; out['pinned_count'] += 1
        elif m['anon'] >= 64 * 2**20: out['other_64m_plus'] += m['anon']
        else: out['other_small'] += m['anon']
    big = sorted((m for m in maps if m['anon']), key=lambda m: -m['anon'])[:8]
    res = {k: (round(v / GiB, 2) if k != 'pinned_count' else v) for k, v in out.items()}
    res['largest'] = [f"{m['anon'] / GiB:.2f} of {m['size'] / GiB:.2f} GiB {m['path'] or 'anon'}" for m in big]
    return res


def _pinned_sizes(trainer)->list:
    "Byte sizes of the streamer's pinned buffers (to tell them apart in `_anonymous_maps`)."
    s = getattr(trainer, 'streamer', None) or getattr(getattr(trainer, 'placed', None), 'streamer', None)
    return [t.numel() * t.element_size() for t in getattr(s, '_registered', [])]


def _busy_by_stream(prof, wall:float)->str:
    "Seconds each CUDA stream was busy (union of its kernels' and copies' intervals), and all streams together."
    from torch.autograd import DeviceType
    spans = {}
    for e in prof.events():
        if e.device_type == DeviceType.CUDA: spans.setdefault(getattr(e, 'device_resource_id', 0), []).append((e.time_range.start, e.time_range.end))
    def union(iv):
        total, end = 0, None
        for a, b in sorted(iv):
            if end is None or a > end: total += b - a; end = b
            elif b > end: total += b - end; end = b
        return total / 1e6
    parts = [f'stream {k}: {union(v):.3f} s ({len(v)} ops)' for k, v in sorted(spans.items(), key=lambda kv: -len(kv[1]))]
    return ', '.join(parts + [f'any stream: {union([x for v in spans.values() for x in v]):.3f} s of {wall:.3f} s'])


def _profile(trainer, at:int, out:Path, log):
    """Profile optimizer step `at` (torch.profiler, CPU + CUDA) and time the phases of step `at + 1` with a sync around
    each forward: where a step's time goes. Writes OUT/profile_NAME.txt (tables) and a Chrome trace."""
    import torch, types
    from torch.profiler import profile, ProfilerActivity
    state, original_log, original_losses, original_joint = dict(prof=None, marks=[]), trainer._log, trainer.losses, trainer._joint_losses
    cuda = torch.cuda.is_available()
    def sync(): cuda and torch.cuda.synchronize(trainer.device)
    def losses(self, batch, *a, **k):
        if state.get('timing'): sync(); state['marks'].append(('forward_start', time.perf_counter()))
        r = original_losses(batch, *a, **k)
        if state.get('timing'): sync(); state['marks'].append(('forward_end', time.perf_counter()))
        return r
    def joint_losses(self, batches):
        if state.get('timing'): sync(); state['marks'].append(('forward_start', time.perf_counter()))
        r = original_joint(batches)
        if state.get('timing'): sync(); state['marks'].append(('forward_end', time.perf_counter()))
        return r
    def log_step(self, m):
        original_log(m)
        sync(); now = time.perf_counter()
        if m['step'] == at - 1:
            state['prof'] = profile(activities=[ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])); state['prof'].__enter__()
            state['t'] = now
        elif m['step'] == at and state['prof'] is not None:
            p = state['prof']; p.__exit__(None, None, None); wall = now - state['t']
            ev = p.key_averages()
            copies = sum(e.device_time_total for e in ev if e.key.startswith('Memcpy')) / 1e6
            kernels = sum(e.self_device_time_total for e in ev if not e.key.startswith('Memcpy') and e.device_time_total > 0) / 1e6
            launches = sum(e.count for e in ev if 'LaunchKernel' in e.key)
            head = (f'step {at} under the profiler: wall {wall:.3f} s, kernel time {kernels:.3f} s, copy time {copies:.3f} s, '
                    f'{launches} kernel launches')
            log(head)
            text = [head, ev.table(sort_by='self_cpu_time_total', row_limit=45), ev.table(sort_by='self_device_time_total', row_limit=30)]
            (out.parent/f'profile_{out.stem}.txt').write_text('\n\n'.join(text))
            try: log('GPU busy by stream (union of kernel and copy intervals): ' + _busy_by_stream(p, wall))
            except Exception as e: log(f'GPU busy by stream: {type(e).__name__}: {e}')
            if os.environ.get('TRACE'): p.export_chrome_trace(str(out.parent/f'trace_{out.stem}.json'))
            now = time.perf_counter()
            state['prof'] = None; state['timing'] = True; state['marks'] = [('step_start', now)]
        elif state.get('timing'):
            marks = state['marks'] + [('step_end', now)]
            log('phases of step', m['step'], '(synced): ' + ', '.join(f'{a}->{b} {t2 - t1:.3f} s' for (a, t1), (b, t2) in zip(marks, marks[1:])))
            state['timing'] = False
    trainer._log = types.MethodType(log_step, trainer)
    trainer.losses = types.MethodType(losses, trainer)
    trainer._joint_losses = types.MethodType(joint_losses, trainer)


def _watch_steps(trainer, row:dict, log):
    "Record the process's anonymous resident memory after each optimizer step (`host_anon_by_step`, GiB); where it is after steps 1 and 3."
    import types
    original = trainer._log
    def log_step(self, m):
        original(m)
        row.setdefault('host_anon_by_step', []).append(round(_rss_now().get('RssAnon', 0), 2))
        if m['step'] in (1, 3): log(f"host memory after step {m['step']}:", json.dumps(_anonymous_maps(_pinned_sizes(trainer))))
    trainer._log = types.MethodType(log_step, trainer)


def run(args):
    import threading, torch
    from ltx2lora.training import LoraTrainer
    from ltx2lora.inference import validation_hook
    info = json.loads((Path(args.dir)/'prepared.json').read_text())
    cuda = torch.cuda.is_available()
    dev = torch.device('cuda', torch.cuda.current_device()) if cuda else torch.device('cpu')
    if args.cap and cuda: torch.cuda.set_per_process_memory_fraction(args.cap * GiB / torch.cuda.get_device_properties(dev).total_memory, dev)
    out_dir = Path(args.dir)/'runs'/args.name
    if out_dir.exists(): shutil.rmtree(out_dir)   # a row starts afresh: a same-named row's checkpoints would be resumed
    cfg = _config(args, info, out_dir)
    lines = []
    def log(*a):
        line = ' '.join(map(str, a)); lines.append(line); print(line, flush=True)
    row = dict(name=args.name, program='ltx2lora train (LoraTrainer)', model=info['version'], bucket=info['bucket'],
               cap_gib=args.cap, batch=cfg['optimization']['batch_size'],
               gradient_accumulation=cfg['optimization']['gradient_accumulation_steps'], steps=args.steps,
               settings=args.set, card=torch.cuda.get_device_name(dev) if cuda else 'cpu', date=datetime.date.today().isoformat(),
               torch=torch.__version__, command=' '.join(shlex.quote(a) for a in sys.argv))
    import signal
    def _stop(*_): raise TimeoutError('stopped by the row\'s time limit (SIGTERM)')
    signal.signal(signal.SIGTERM, _stop)
    peaks, stop = {}, threading.Event()
    threading.Thread(target=_watch_rss, args=(peaks, stop), daemon=True).start()
    t0 = time.time()
    try:
        hook = None
        if args.validate_at:
            conds = torch.load(Path(args.dir)/'validation_conditions.pt', weights_only=True)
            hook = validation_hook(cfg, device=str(dev), conditions=conds)
        trainer = LoraTrainer(cfg, device=str(dev), show_progress=False, validate=hook, log=log)
        if cuda: torch.cuda.synchronize()
        p = trainer.placed
        row.update(setup_s=round(time.time() - t0, 1), allocated_after_placement_gib=torch.cuda.memory_allocated(dev) / GiB if cuda else None,
                   streamed_fraction=p.plan.streamed_fraction if p.plan is not None else 0.0,
                   micro_batches_together=p.micro_batches_together,
                   pcie_gb_per_step=(p.plan.pcie_bytes_per_step if p.plan is not None else 0)
                                    * row['gradient_accumulation'] / p.micro_batches_together / 1e9,
                   kept_blocks=len(p.kept_blocks), cuda_graphs=p.cuda_graphs, compact_gradients=p.compact_gradients,
                   budget_gib={k: round(v / GiB, 3) for k, v in (p.budget.items.items() if p.budget else [])},
                   budget_total_gib=p.budget.total / GiB if p.budget else None,
                   planned_peak_gib=p.gpu_bytes / GiB if p.gpu_bytes is not None else None,
                   resident_block_gib=(p.plan.resident_bytes if p.plan is not None else 0) / GiB)
        row['host_after_setup'] = dict(_rss_now(), maps=_anonymous_maps(_pinned_sizes(trainer)),
                                       pinned_gib=sum(_pinned_sizes(trainer)) / GiB)
        log('host memory after setup:', json.dumps(row['host_after_setup']))
        _watch_steps(trainer, row, log)
        if cuda: torch.cuda.reset_peak_memory_stats(dev)
        if args.profile_step: _profile(trainer, args.profile_step, Path(args.out).parent/args.name, log)
        res = trainer.fit()
        row.update(ok=True, steps_done=res.steps, validation_samples=len(getattr(hook, 'written', []) or []))
    except BaseException as e:       # an error, or the row's time limit (SIGTERM): the steps so far still make a row
        chain = [e]
        while chain[-1].__context__ is not None: chain.append(chain[-1].__context__)
        e = next((c for c in chain if isinstance(c, TimeoutError)), e)    # the time limit, if that is what stopped it
        row.update(ok=False, error=f'{type(e).__name__}: {str(e)[:1500]}')
        import traceback; traceback.print_exc()
    signal.signal(signal.SIGTERM, signal.SIG_IGN)   # a second SIGTERM (or a dying loader worker) must not cost the row
    h = list(getattr(trainer, 'history', [])) if 'trainer' in locals() else []
    if h:
        times = [m['step_time'] for m in h]
        warm = times[args.warmup:] or times
        row.update(steps_recorded=len(h), first_step_s=times[0], median_s_per_step=statistics.median(warm),
                   median_s_per_sample=statistics.median(warm) / (row['gradient_accumulation'] * row['batch']),
                   step_times=[round(t, 3) for t in times], first_loss=h[0]['loss'], first_grad_norm=h[0]['grad_norm'],
                   losses=[round(m['loss'], 5) for m in h],
                   gpu_peak_gib_by_step=[round(m.get('gpu_peak_gib', 0), 2) for m in h])
    stop.set()
    if 'trainer' in locals():
        g = getattr(trainer, 'gradients', None)
        if g is not None and g.compact: row['gradients_not_bf16'] = g.rounded   # compact gradients: checked on the first step
        try:
            row['host_at_end'] = dict(_rss_now(), maps=_anonymous_maps(_pinned_sizes(trainer)))
            log('host memory at the end:', json.dumps(row['host_at_end']))
        except BaseException as e:   # call 15's `ref`: its loader workers died while /proc was read, and the row was lost
            row['host_at_end_error'] = f'{type(e).__name__}: {e}'
    row.update(peak_allocated_gib=torch.cuda.max_memory_allocated(dev) / GiB if cuda else 0.0,
               peak_reserved_gib=torch.cuda.max_memory_reserved(dev) / GiB if cuda else 0.0,
               host_peak_rss_gib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / GiB,
               host_peak_anon_gib=peaks.get('RssAnon'), host_peak_file_gib=peaks.get('RssFile'),
               wall_s=round(time.time() - t0, 1), log=lines[-40:])
    if row.get('gpu_peak_gib_by_step'): row['peak_allocated_gib'] = max(row['peak_allocated_gib'], max(row['gpu_peak_gib_by_step']))
    with open(args.out, 'a') as f: f.write(json.dumps(row) + '\n')
    print('ROW', json.dumps({k: v for k, v in row.items() if k not in ('log', 'step_times', 'losses', 'gpu_peak_gib_by_step')}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('prepare'); p.add_argument('dir'); p.add_argument('--version', default='19b')
    p.add_argument('--bucket', default='704x384x97'); p.add_argument('--samples', type=int, default=4)
    p.add_argument('--tiny', action='store_true', help='the tiny stand-in model (CPU smoke test)')
    r = sub.add_parser('run'); r.add_argument('dir'); r.add_argument('--name', required=True)
    r.add_argument('--cap', type=float, default=None); r.add_argument('--steps', type=int, default=20)
    r.add_argument('--warmup', type=int, default=2); r.add_argument('--validate-at', type=int, default=None)
    r.add_argument('--set', action='append', default=[]); r.add_argument('--out', required=True)
    r.add_argument('--profile-step', type=int, default=0, help='profile this optimizer step and time the phases of the next')
    args = ap.parse_args()
    (prepare if args.cmd == 'prepare' else run)(args)


if __name__ == '__main__':
    main()
