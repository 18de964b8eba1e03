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
    assert '| cpu |' in report.table(report.newest(got)).replace(', cpu', '| cpu |')


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
