"""Check ltx2lora's IC-LoRA (video_to_video) inputs and loss against the official ltx-trainer strategy.

The official `VideoToVideoStrategy` is read from a local mirror of github.com/Lightricks/LTX-2 at the commit whose
packages match the installed ltx-core / ltx-pipelines (1.0.0): its files are extracted with `git show` into a
temporary folder and imported from there (nothing is copied into ltx2lora). Both strategies get the same tiny
batch, the same σ and the same noise; the official inputs and ours go through the same tiny LTX-2 transformer
(random weights, `ltx2lora.fixtures`), and the losses are compared. The values are written to
tests/golden/ic_lora_official.json, which nbs/06_training.ipynb compares ltx2lora against without the mirror
(CI has no network).

    python tests/official_ic_lora_check.py [--mirror DIR] [--commit SHA] [--write]
"""
from __future__ import annotations
import argparse, hashlib, importlib, importlib.metadata, json, random, subprocess, sys, tempfile
from pathlib import Path
import torch

GOLDEN = Path(__file__).parent/'golden'/'ic_lora_official.json'
MIRROR = '/work/.mirror/Lightricks+LTX-2/repo'
COMMIT = 'ae855f8538843825f9015a419cf4ba5edaf5eec2'   # the last commit of ltx-core / ltx-pipelines 1.0.0 (2026-03-11)
OFFICIAL_FILES = ['ltx_trainer/__init__.py', 'ltx_trainer/timestep_samplers.py',
                  'ltx_trainer/training_strategies/__init__.py', 'ltx_trainer/training_strategies/base_strategy.py',
                  'ltx_trainer/training_strategies/text_to_video.py', 'ltx_trainer/training_strategies/video_to_video.py']
CASES = {'no_first_frame': dict(seed=1, p=0.0, sigma=(0.3, 0.8)),
         'first_frame': dict(seed=2, p=1.0, sigma=(0.55, 0.2))}

class FixedSigmas:
    "A timestep sampler that returns given σ and records the token count it was asked for (both APIs)."
    def __init__(self, sigmas): self.sigmas, self.seq_lengths = torch.tensor(sigmas, dtype=torch.float32), []
    def sample(self, batch_size, seq_length=None, device=None):
        self.seq_lengths.append(seq_length); return self.sigmas[:batch_size].to(device)
    def sample_for(self, batch): return self.sample(batch.shape[0], batch.shape[1], batch.device)

def tiny_batch(seed:int=0)->dict:
    "Two samples: clip latents of 3 x 2 x 4 latent frames/rows/columns, references at half size (3 x 1 x 2), 16 text tokens."
    g = torch.Generator().manual_seed(seed)
    lat = lambda f, h, w: dict(latents=torch.randn(2, 128, f, h, w, generator=g), num_frames=torch.tensor([f, f]),
                               height=torch.tensor([h, h]), width=torch.tensor([w, w]), fps=torch.tensor([25.0, 25.0]))
    batch = dict(latents=lat(3, 2, 4), reference_latents=lat(3, 1, 2))
    mask = torch.ones(2, 16, dtype=torch.int64); mask[1, 12:] = 0
    batch['conditions'] = dict(video_prompt_embeds=torch.randn(2, 16, 64, generator=g), prompt_attention_mask=mask)
    return batch

def tiny_transformer(folder:Path):
    "The tiny LTX-2 transformer of `ltx2lora.fixtures` (seed 0), float32."
    from ltx2lora.fixtures import write_tiny_checkpoint
    from ltx2lora.lora import load_transformer
    return load_transformer(write_tiny_checkpoint(Path(folder)/'tiny.safetensors'), dtype=torch.float32)

def digest(t)->str: return hashlib.sha256(t.detach().float().contiguous().numpy().tobytes()).hexdigest()[:16]

def ours(model, case:str)->dict:
    "ltx2lora's inputs and loss for one case (no mirror needed)."
    from ltx2lora.training import prepare_reference_inputs, flow_matching_losses
    c = CASES[case]; batch = tiny_batch(c['seed']); sampler = FixedSigmas(c['sigma'])
    random.seed(c['seed']); torch.manual_seed(c['seed'])
    inp = prepare_reference_inputs(batch, batch['conditions']['video_prompt_embeds'], batch['conditions']['prompt_attention_mask'],
                                   sampler, first_frame_conditioning_p=c['p'])
    with torch.no_grad(): vp, _ = model(inp.video, None, None)
    v = inp.video
    return dict(loss=float(flow_matching_losses(vp, None, inp)['video']), sampler_tokens=sampler.seq_lengths,
                latent_shape=list(v.latent.shape), positions_shape=list(v.positions.shape), reference_tokens=inp.reference_tokens,
                latent=digest(v.latent), timesteps=digest(v.timesteps), positions=digest(v.positions),
                target=digest(inp.video_target), loss_mask=digest(inp.video_loss_mask.float()), _inputs=inp)

def extract_official(mirror:str, commit:str, into:Path)->Path:
    "The official strategy files at `commit`, extracted into `into` (an importable folder)."
    for rel in OFFICIAL_FILES:
        text = subprocess.run(['git', f'--git-dir={mirror}', 'show', f'{commit}:packages/ltx-trainer/src/{rel}'],
                              check=True, capture_output=True, text=True).stdout
        (into/rel).parent.mkdir(parents=True, exist_ok=True); (into/rel).write_text(text)
    return into

def check_release(mirror:str, commit:str):
    "The mirror's commit is the installed release: same ltx-core version, identical ltx_pipelines/ic_lora.py."
    show = lambda p: subprocess.run(['git', f'--git-dir={mirror}', 'show', f'{commit}:{p}'], check=True, capture_output=True, text=True).stdout
    version = importlib.metadata.version('ltx-core')
    assert f'version = "{version}"' in show('packages/ltx-core/pyproject.toml'), f'{commit} is not ltx-core {version}'
    import ltx_pipelines
    installed = (Path(ltx_pipelines.__file__).parent/'ic_lora.py').read_text()
    assert show('packages/ltx-pipelines/src/ltx_pipelines/ic_lora.py') == installed, 'ic_lora.py differs from the installed one'
    return version

def official(model, case:str, folder:Path)->dict:
    "The official VideoToVideoStrategy's inputs and loss for one case."
    sys.path.insert(0, str(folder))
    try:
        from ltx_trainer.training_strategies.video_to_video import VideoToVideoConfig, VideoToVideoStrategy
    finally: sys.path.remove(str(folder))
    c = CASES[case]; batch = tiny_batch(c['seed']); sampler = FixedSigmas(c['sigma'])
    strategy = VideoToVideoStrategy(VideoToVideoConfig(first_frame_conditioning_p=c['p']))
    batch['ref_latents'] = batch.pop('reference_latents')                     # the official data-source key
    random.seed(c['seed']); torch.manual_seed(c['seed'])
    inp = strategy.prepare_training_inputs(batch, sampler)
    with torch.no_grad(): vp, _ = model(inp.video, None, None)
    v, r = inp.video, inp.ref_seq_len
    return dict(loss=float(strategy.compute_loss(vp, None, inp)), sampler_tokens=sampler.seq_lengths,
                latent_shape=list(v.latent.shape), positions_shape=list(v.positions.shape), reference_tokens=r,
                latent=digest(v.latent), timesteps=digest(v.timesteps), positions=digest(v.positions),
                target=digest(inp.video_targets), loss_mask=digest(inp.video_loss_mask[:, r:].float()),
                metadata=strategy.get_checkpoint_metadata(), _inputs=inp)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--mirror', default=MIRROR, help=f'git dir of a Lightricks/LTX-2 mirror (default: {MIRROR})')
    ap.add_argument('--commit', default=COMMIT, help=f'the commit of the installed release (default: {COMMIT})')
    ap.add_argument('--write', action='store_true', help=f'write {GOLDEN.name} (default: only compare and print)')
    a = ap.parse_args()
    torch.set_num_threads(1)
    version = check_release(a.mirror, a.commit)
    out = dict(official_repo='github.com/Lightricks/LTX-2', official_commit=a.commit, ltx_core=version,
               official_files=[f'packages/ltx-trainer/src/{f}' for f in OFFICIAL_FILES[3:]], cases={})
    with tempfile.TemporaryDirectory() as tmp:
        model, folder = tiny_transformer(Path(tmp)), extract_official(a.mirror, a.commit, Path(tmp)/'official')
        for case in CASES:
            o, m = official(model, case, folder), ours(model, case)
            oi, mi = o.pop('_inputs'), m.pop('_inputs')
            same = {k: torch.equal(getattr(oi.video, k), getattr(mi.video, k)) for k in ('latent', 'timesteps', 'positions', 'sigma')}
            same['targets'] = torch.equal(oi.video_targets, mi.video_target)
            rel = abs(o['loss'] - m['loss']) / abs(o['loss'])
            print(f'{case}: official {o}\n{case}: ours     {m}\n{case}: identical inputs {same}, loss relative difference {rel:.3g}')
            assert all(same.values()) and rel < 1e-5, f'{case}: ltx2lora differs from the official strategy'
            for k in ('latent_shape', 'positions_shape', 'reference_tokens', 'latent', 'timesteps', 'positions', 'target', 'loss_mask',
                      'sampler_tokens'):
                assert o[k] == m[k], (case, k, o[k], m[k])
            out['cases'][case] = dict(CASES[case], official=o, ours_loss=m['loss'], relative_difference=rel)
    if a.write:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(out, indent=1, default=list) + '\n')
        print(f'wrote {GOLDEN}')

if __name__ == '__main__': main()
