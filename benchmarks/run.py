#!/usr/bin/env python3
"""Run a named benchmark suite and keep one JSON per run (the command, the card, the commit, every row).

    python benchmarks/run.py --list                  # the suites, with what each runs
    python benchmarks/run.py SUITE [--out DIR]       # on a GPU machine, after the wheels (benchmarks/README.md)
    python benchmarks/run.py SUITE --dry-run         # print the commands only
    python benchmarks/run.py training --tiny --out DIR   # the same path on the CPU with the tiny stand-in model

A run writes DIR/SUITE-HHMMSS.json (`suite`, `command`, `card`, `host`, `date`, `commit`, `steps` with each command,
its exit code, seconds and log file, and `rows`: what the suite's programs recorded) plus the logs. DIR defaults to
`$OUT` (the device tool's output folder) or `benchmarks/results/DATE-CARD/`. `python benchmarks/report.py` turns
every run under `benchmarks/results/` into RESULTS.md and the tables of README.md and the index notebook.

The product's figures come only from the `training` suites (`LoraTrainer`, the code `ltx2lora train` runs, on a
full-size random checkpoint, the guide's config). `guide` runs the guide's method (`../shared/bench-baseline`, copied
into the git-ignored `.bench-baseline/`: it is not this project's code and keeps its own licence) on the same card.
`engine`, `sampling`, `preprocessing-memory` and `captioning-memory` are experiment tools (their own models).
"""
import argparse, datetime, json, os, re, shlex, shutil, subprocess, sys, time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
AUTO23 = 'acceleration.offload=auto,acceleration.vram_budget_gb=23'
AUTO31 = 'acceleration.offload=auto,acceleration.vram_budget_gb=31'
IC_LORA = 'training_strategy.name=video_to_video'   # the guide's LoRA, IC-LoRA's inputs (train_bench.py picks the reference cache)


def _training(version:str, rows:list, tiny=False, tiny_sets:str='')->list:
    """A training suite: `real_size.sh` writes the full-size checkpoint and cache once (at most 120 s), then one process
    per row (`NAME:CAP:STEPS[:VALIDATE_AT]:SET,...:LIMIT_S`); the suite's limit is their sum."""
    env = dict(REAL_SIZE_VERSION=version, PREPARE_LIMIT='120')
    if tiny:
        env.update(REAL_SIZE_TINY='1', REAL_SIZE_DIR=f'{{out}}/real-size-tiny-{version}')
        rows = [f'auto:-:3:-:acceleration.offload=auto,acceleration.vram_budget_gb=0.001{tiny_sets}:120']
    limit = 120 + sum(int(r.rsplit(':', 1)[1]) for r in rows)
    return [dict(name=f'training-{version}', argv=['bash', 'benchmarks/real_size.sh', *rows], env=env, limit=limit, rows='rows.jsonl')]


# each suite fits one device call (10 minutes, with the wheels' install); `training` after another 19B suite on a warm
# machine (checkpoint written, kernels compiled) leaves its 100 steps the most time
SUITES = {
    'training': ("`ltx2lora train` on the 19B file at 23 GiB: 100 steps and a validation sample (768x512x97) in one run",
                 lambda tiny: _training('19b', [f'auto23:23:100:100:{AUTO23}:470'], tiny)),
    'training-23-31': ("`ltx2lora train` on the 19B file at 23 and 31 GiB in bf16, the guide's config (8 and 10 steps)",
                       lambda tiny: _training('19b', [f'auto23:23:8:-:{AUTO23}:230', f'auto31:31:10:-:{AUTO31}:210'], tiny)),
    'training-31': ("`ltx2lora train` on the 19B file at 31 GiB; fp8 streaming at 23 GiB",
                    lambda tiny: _training('19b', [f'auto31:31:10:-:{AUTO31}:210',     # call 21: fp8at23 needed 76 s of setup
                                                   f'fp8at23:23:5:-:{AUTO23},acceleration.offload_dtype=fp8:200'], tiny)),
    'training-guide-shares': ("`ltx2lora train` on the 19B file with the guide's own shares (70 % at 23 GiB, 60 % at 31 GiB)",
                              lambda tiny: _training('19b', ['guide70at23:23:8:-:acceleration.ramtorch_offload_percent=0.70:180',
                                                             'guide60at31:31:8:-:acceleration.ramtorch_offload_percent=0.60:170'], tiny)),
    'training-reference': ("`ltx2lora train` on the 19B file without streaming, one step: the first step the streamed rows "
                           "must match (47 blocks compile in it; step 2 would record CUDA graphs)",
                           lambda tiny: _training('19b', ['ref:-:1:-:acceleration.offload=off:200'], tiny)),
    'training-pinned-ram': ("`ltx2lora train` on the 19B file at 23 GiB in bf16 with `pinned_ram_gb: 25`: below the 26.7 GiB the "
                            "joint pass pins, so the micro-batches go one at a time (session 6 ran it at 27 GiB, before compact "
                            "gradients made the joint pass fit there)",
                            lambda tiny: _training('19b', [f'ram25:23:8:-:{AUTO23},acceleration.pinned_ram_gb=25:250'], tiny)),
    'training-2.3': ("`ltx2lora train` on the LTX-2.3 22B layout at 23 and 31 GiB (its own checkpoint: the disk holds one)",
                     lambda tiny: _training('2.3', [f'auto23:23:8:-:{AUTO23}:250', f'auto31:31:8:-:{AUTO31}:200'], tiny)),
    'training-ic-lora': ("`ltx2lora train` IC-LoRA (video_to_video) on the 19B file: 704x384x97 target + same-size reference, at 23 and 31 GiB",
                         lambda tiny: _training('19b', [f'ic23:23:8:-:{AUTO23},{IC_LORA}:260', f'ic31:31:8:-:{AUTO31},{IC_LORA}:200'],
                                                tiny, ',' + IC_LORA)),
    'guide': ("the guide's method (relaxis/LTX-2's RamTorch offload, `../shared/bench-baseline`) at its shares for 24 and 32 GB",
              lambda tiny: [dict(name='guide', argv=['bash', '.bench-baseline/run_device.sh', '--schemes', 'B75@23,B60@31',
                                                     '--steps', '3', '--no-floors', '--time-budget', '250'],
                                 env={}, limit=290, out='guide', rows='guide/ltx_offload_bench.json', needs='.bench-baseline')]),
    'sampling': ("the sampler (768x512x97, CFG + STG, audio) with streamed weights at 23 and 31 GiB (`sampling_bench.py`)",
                 lambda tiny: [dict(name='sampling', argv=['python3', 'benchmarks/sampling_bench.py', '--schemes',
                                                           'stream@23,stream@31', '--steps', '3', '--warmup', '1',
                                                           '--time-budget', '400', '--out', '{out}/sampling.json'],
                                    env={}, limit=450, rows='sampling.json')]),
    'preprocessing-memory': ("GPU memory and time of latent caching: video VAE (tiled or not), audio VAE, Gemma 8-bit / bf16",
                             lambda tiny: [dict(name='latents-memory', argv=['python3', 'benchmarks/latents_memory.py', '--cap-gib', '23',
                                                                             '--out', '{out}/latents_memory.json'],
                                                env={}, limit=500, rows='latents_memory.json')]),
    'captioning-memory': ("GPU memory and time of captioning: Qwen2.5-VL and Whisper, bf16 and 8-bit",
                          lambda tiny: [dict(name='captioning-memory', argv=['python3', 'benchmarks/captioning_memory.py',
                                                                             '--out', '{out}/captioning_memory.json'],
                                             env={}, limit=550, rows='captioning_memory.json')]),
    'engine': ("the streaming engine alone (`offload_bench.py`: its own model, bf16 adapters): an experiment tool",
               lambda tiny: [dict(name='engine', argv=['python3', 'benchmarks/offload_bench.py', '--schemes',
                                                       'no-offload+compile/b1,ltx2lora+compile@24/b1,ltx2lora+compile@32/b1',
                                                       '--steps', '4', '--warmup', '2', '--time-budget', '400',
                                                       '--out', '{out}/engine.json'],
                                  env={}, limit=450, rows='engine.json')]),
}


def _card()->tuple:
    "The GPU's name and a line about the host (nvidia-smi), or 'cpu'."
    try:
        q = subprocess.run(['nvidia-smi', '--query-gpu=name,memory.total,driver_version,pcie.link.gen.current,pcie.link.width.current',
                            '--format=csv,noheader'], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired): q = ''
    host = f'{q or "no GPU"}; {os.cpu_count()} CPUs'
    return (q.split(',')[0].strip() if q else 'cpu'), host


def _commit(given:str|None)->str:
    if given: return given
    try: return subprocess.run(['git', 'rev-parse', 'HEAD'], cwd=ROOT, capture_output=True, text=True, timeout=10).stdout.strip() or 'unknown'
    except OSError: return 'unknown'


def _rows(path:Path)->list:
    "What a step recorded: the lines of a .jsonl file, or a JSON file's rows (a list, or a dict holding one)."
    if not path.is_file(): return []
    if path.suffix == '.jsonl': return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]
    data = json.loads(path.read_text())
    if isinstance(data, dict): data = data.get('rows', data.get('results', data.get('schemes', [data])))
    return data if isinstance(data, list) else [data]


def _run_step(step:dict, out:Path, dry:bool)->dict:
    "Run one command of a suite under its time limit, its output in OUT/NAME.log; its rows read back."
    argv = [a.replace('{out}', str(out)) for a in step['argv']]
    step_env = {k: v.replace('{out}', str(out)) for k, v in step['env'].items()}
    env = dict(os.environ, OUT=str(out/step['out']) if step.get('out') else str(out), **step_env,
               TORCHINDUCTOR_CACHE_DIR=os.environ.get('TORCHINDUCTOR_CACHE_DIR', '/tmp/inductor'), PYTHONUNBUFFERED='1')
    line = ' '.join(f'{k}={v}' for k, v in step_env.items()) + (' ' if step_env else '') + shlex.join(argv)
    rec = dict(name=step['name'], command=line, limit_s=step['limit'])
    if dry: print(line); return rec
    if step.get('needs') and not (ROOT/step['needs']).exists():
        raise SystemExit(f"suite step {step['name']} needs {step['needs']}/: copy ../shared/bench-baseline there "
                         f"(cp -r ../shared/bench-baseline {step['needs']}) and carry it to the GPU machine")
    if step.get('out'): (out/step['out']).mkdir(parents=True, exist_ok=True)
    log, t0 = out/f"{step['name']}.log", time.time()
    print(f"{step['name']}: {line} (limit {step['limit']} s, log {log})", flush=True)
    with open(log, 'w') as f:
        try: rc = subprocess.run(argv, cwd=ROOT, env=env, stdout=f, stderr=subprocess.STDOUT, timeout=step['limit']).returncode
        except subprocess.TimeoutExpired: rc = 'time limit'
    rec.update(rc=rc, seconds=round(time.time() - t0, 1), log=log.name, rows=_rows(out/step['rows']))
    print(f"{step['name']}: exit {rc} after {rec['seconds']} s, {len(rec['rows'])} rows", flush=True)
    return rec


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('suite', nargs='?', choices=list(SUITES)); ap.add_argument('--list', action='store_true')
    ap.add_argument('--out', help='folder for the run (default: $OUT, else benchmarks/results/DATE-CARD/)')
    ap.add_argument('--dry-run', action='store_true', help='print the commands only')
    ap.add_argument('--tiny', action='store_true', help='training suites: the tiny stand-in model on the CPU (a smoke test)')
    ap.add_argument('--commit', help='the commit the tree was taken from (default: git rev-parse HEAD)')
    args = ap.parse_args(argv)
    if args.list or not args.suite:
        for k, (what, _) in SUITES.items(): print(f'{k:22s} {what}')
        return
    what, make = SUITES[args.suite]
    card, host = _card()
    date = datetime.date.today().isoformat()
    out = Path(args.out or os.environ.get('OUT') or HERE/'results'/f"{date}-{re.sub(r'[^a-z0-9]+', '-', card.lower()).strip('-')}")
    out.mkdir(parents=True, exist_ok=True)
    steps = [_run_step(s, out, args.dry_run) for s in make(args.tiny)]
    if args.dry_run: return
    run = dict(suite=args.suite, what=what, command=shlex.join(['python', 'benchmarks/run.py', *sys.argv[1:]]) if argv is None
               else shlex.join(['python', 'benchmarks/run.py', *argv]), card=card, host=host, date=date,
               commit=_commit(args.commit), steps=steps, rows=[dict(r, suite=args.suite) for s in steps for r in s['rows']])
    path = out/f"{args.suite}-{datetime.datetime.now():%H%M%S}.json"
    path.write_text(json.dumps(run, indent=1) + '\n')
    print(f'wrote {path} ({len(run["rows"])} rows)')
    return path


if __name__ == '__main__':
    main()
