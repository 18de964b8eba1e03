"""Run every notebook under nbs/ through nbdev's own runner: one pytest test per notebook.

Every cell runs, top to bottom, as JupyterLab's "Run All" runs it: a cell that needs a GPU (`#| gpu`) runs under
`if needs_gpu(...)` and says that it was skipped on a machine without one. Only cells flagged with a word of
settings.ini `tst_flags` (`#| slow`, `#| notest`) are skipped unless NBDEV_FLAGS names them (`NBDEV_FLAGS=slow pytest tests/`). Each notebook runs in
its own Python process, so torch state and imports never leak from one notebook to the next.
"""
import os, subprocess, sys
from pathlib import Path
import pytest
from nbdev.config import get_config

cfg = get_config()
NBS_PATH = Path(cfg.nbs_path)
NBS = sorted(p for p in NBS_PATH.rglob('*.ipynb')
             if not any(s.startswith(('_', '.')) for s in p.relative_to(NBS_PATH).parts))
_flags = cfg.tst_flags
SKIP = _flags.split() if isinstance(_flags, str) else list(_flags)
FORCE = os.environ.get('NBDEV_FLAGS', '').split()
SKIP = [f for f in SKIP if f not in FORCE]

_RUNNER = """
import sys
import nbdev.test as t
from pathlib import Path
ok, secs = t.test_nb(Path(sys.argv[1]), skip_flags=sys.argv[2].split(), force_flags=sys.argv[3].split(), basepath=sys.argv[4])
print(f'{sys.argv[1]}: {secs:.1f} s', file=sys.stderr)
sys.exit(0 if ok else 1)
"""

@pytest.mark.parametrize('nb', NBS, ids=[str(p.relative_to(NBS_PATH)) for p in NBS])
def test_notebook(nb):
    timeout = int(os.environ.get('LTX2LORA_NB_TIMEOUT', '900'))
    res = subprocess.run([sys.executable, '-c', _RUNNER, str(nb), ' '.join(SKIP), ' '.join(FORCE), str(cfg.config_path)],
                         capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        sys.stderr.write(res.stdout[-20000:] + res.stderr[-20000:])
    assert res.returncode == 0, f'{nb.name} failed:\n{res.stderr[-6000:]}'
