"""The benchmark suite runner and the report, on the CPU with the tiny stand-in model: a run of `benchmarks/run.py
training --tiny` is one JSON (command, card, commit, steps, rows of `LoraTrainer`) that `benchmarks/report.py` reads."""
import json, subprocess, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT/'benchmarks'))


def test_suite_run_and_report(tmp_path):
    out = tmp_path/'results'/'today-cpu'
    res = subprocess.run([sys.executable, 'benchmarks/run.py', 'training', '--tiny', '--out', str(out), '--commit', 'abc'],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    runs = list(out.glob('training-*.json'))
    assert len(runs) == 1, list(out.iterdir())
    run = json.loads(runs[0].read_text())
    assert run['suite'] == 'training' and run['commit'] == 'abc' and run['card'] and run['date']
    assert run['steps'][0]['rc'] == 0 and 'real_size.sh' in run['steps'][0]['command'], run['steps']
    (row,) = run['rows']
    assert row['program'].startswith('ltx2lora train') and row['ok'] and row['steps_done'] == 3, row.get('error')
    assert row['streamed_fraction'] == 1.0 and row['host_after_setup']['RssAnon'] > 0
    import report
    got = report.rows(tmp_path/'results')
    assert [r['name'] for r in got] == ['auto'], got                # read once: not again from real_size.sh's rows.jsonl
    assert '| cpu (today-cpu, training-' in report.table(report.newest(got))
    again = subprocess.run([sys.executable, 'benchmarks/run.py', 'training', '--tiny', '--out', str(out), '--commit', 'abc'],
                           cwd=ROOT, capture_output=True, text=True, timeout=600)   # the same row name on the same machine
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert 'resuming from' not in (out/'auto.txt').read_text()      # a row starts afresh, not from the last one's checkpoint
    assert report.rows(tmp_path/'results')[-1]['steps_recorded'] == 3


def _row(name, file, streamed, loss, grad, steps, ok=True, **settings):
    s = dict({'acceleration.offload': 'auto', 'acceleration.vram_budget_gb': '23'}, **settings)
    return dict(name=name, program='ltx2lora train (LoraTrainer)', model='19b', cap_gib=23.0, settings=[f'{k}={v}' for k, v in s.items()],
                streamed_fraction=streamed, first_loss=loss, first_grad_norm=grad, step_times=[60.0] + [1.7] * (steps - 1),
                steps_done=steps, ok=ok, gradient_accumulation=2, batch=1, card='H', date='d', _file=f'results/s1/{file}')


def test_newest_and_first_step_agreement():
    "A newer run that finished with fewer steps shows below the well-timed one; streamed first steps meet the reference."
    import report
    old, short = _row('auto23', 'call1_rows.jsonl', 0.89, 6.8266, 1.9127, 8), _row('auto23', 'call2_rows.jsonl', 0.89, 6.8266, 1.9127, 1)
    stopped = _row('auto23', 'call3_rows.jsonl', 0.89, 6.8266, 1.9127, 2, ok=False)
    test = report.newest([old, short, stopped])
    assert test == [old, short], [r['_file'] for r in test]
    assert report.newest([old, _row('auto23', 'call4_rows.jsonl', 0.89, 1, 1, 9)])[0]['_file'].endswith('call4_rows.jsonl')
    ref = dict(_row('ref', 'call5_rows.jsonl', 0.0, 6.8264, 1.9128, 1), settings=['acceleration.offload=off'], cap_gib=None)
    fp8 = _row('fp8', 'call6_rows.jsonl', 0.91, 6.8102, 1.9063, 8, **{'acceleration.offload_dtype': 'fp8'})
    line = report.first_step_agreement([old, ref, fp8])
    assert 'First step of 19b, 1 streamed rows (89%-89% streamed)' in line and 'loss within 2.9e-05' in line, line
    assert 's1, call 5' in line and report.first_step_agreement([old, fp8]) == ''     # fp8 weights are not the same model
    validated = dict(_row('auto23', 'call7_training-1.json', 0.85, 6.8265, 1.9127, 100), validation_samples=1, resumed_from_step=8)
    both = report.newest([old, validated])     # a run that sampled for validation is its own setting: both rows show
    assert both == [old, validated], [r['_file'] for r in both]
    assert 'ok, resumed from step 8 of an earlier run |' in report.table(both).splitlines()[-1]


def test_suites_listed_and_dry_run():
    res = subprocess.run([sys.executable, 'benchmarks/run.py', '--list'], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode == 0 and all(s in res.stdout for s in ('training', 'training-2.3', 'guide', 'sampling', 'engine'))
    res = subprocess.run([sys.executable, 'benchmarks/run.py', 'training-2.3', '--dry-run'], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0 and 'REAL_SIZE_VERSION=2.3' in res.stdout and 'vram_budget_gb=31' in res.stdout


def test_ic_lora_suite_tiny(tmp_path):
    "IC-LoRA rows train `video_to_video` on the prepared reference cache (a clip-size reference per sample, no audio)."
    res = subprocess.run([sys.executable, 'benchmarks/run.py', 'training-ic-lora', '--tiny', '--out', str(tmp_path), '--commit', 'abc'],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    (row,) = json.loads(next(tmp_path.glob('training-ic-lora-*.json')).read_text())['rows']
    assert row['ok'] and row['steps_done'] == 3 and 'training_strategy.name=video_to_video' in row['settings'], row.get('error')
    import report
    assert 'IC-LoRA' in report._setting(row)
