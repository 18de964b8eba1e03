#!/usr/bin/env python3
"""The trainer on CUDA with its compiled-step defaults (tiny LTX-2 checkpoint, synthetic cache of one bucket): compiled
blocks that keep their activations and replay as CUDA graphs, against the same run uncompiled, both with the adapters packed (one 8-bit AdamW kernel call for all). The `#| gpu` cell of
notebook 06_training, as a script for the device.  python benchmarks/trainer_gpu_check.py"""
import sys, tempfile, time, math
from pathlib import Path
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import torch
from ltx2lora.fixtures import write_tiny_checkpoint
from ltx2lora.training import LoraTrainer

def synthetic_cache(root, audio_dim):
    gen = torch.Generator().manual_seed(0)
    for i in range(3):
        parts = dict(latents=dict(latents=torch.randn(128, 4, 2, 3, generator=gen).bfloat16(), num_frames=4, height=2, width=3, fps=25.0),
                     audio_latents=dict(latents=torch.randn(8, 26, 16, generator=gen), num_time_steps=26, frequency_bins=16, duration=1.0),
                     conditions=dict(video_prompt_embeds=torch.randn(128, 64, generator=gen).bfloat16(),
                                     audio_prompt_embeds=torch.randn(128, audio_dim, generator=gen).bfloat16(),
                                     prompt_attention_mask=(torch.arange(128) >= 90 - 10 * i).long()))
        for part, d in parts.items():
            (root/part/'videos').mkdir(parents=True, exist_ok=True); torch.save(d, root/part/'videos'/f'clip{i}.pt')
    return root

def config(out, ckpt, data, compile='auto'):
    return dict(model=dict(model_path=str(ckpt)), lora=dict(rank=128, alpha=256),   # adapters of >= 4,096 values: 8-bit states
                optimization=dict(learning_rate=1e-3, steps=8, batch_size=3, gradient_accumulation_steps=2,
                                  optimizer_type='adamw8bit', warmup_steps=2, enable_gradient_checkpointing=True),
                acceleration=dict(mixed_precision_mode='bf16', ramtorch_offload=False, compile=compile),
                data=dict(preprocessed_data_root=str(data), num_dataloader_workers=2),
                checkpoints=dict(interval=4, keep_last_n=2), seed=3, output_dir=str(out))

d = Path(tempfile.mkdtemp())
ck, data = write_tiny_checkpoint(d/'ltx-2-tiny.safetensors'), synthetic_cache(d/'cache', 64)
t = time.time(); eager_trainer = LoraTrainer(config(d/'eager', ck, data, 'off'), device='cuda', show_progress=False); eager = eager_trainer.fit()
print(f'eager run {time.time() - t:.1f} s', flush=True)
logged = []
t = time.time()
compiled_trainer = LoraTrainer(config(d/'compiled', ck, data), device='cuda', show_progress=False, log=logged.append)
compiled = compiled_trainer.fit()
print(f'compiled run {time.time() - t:.1f} s')
print('\n'.join(l for l in logged if 'compil' in l or 'CUDA graphs' in l or 'activations' in l))
print('eager losses   ', [round(h['loss'], 5) for h in eager.history])
print('compiled losses', [round(h['loss'], 5) for h in compiled.history])
rel = max(abs(a['loss'] - b['loss']) / abs(a['loss']) for a, b in zip(eager.history, compiled.history))
print(f'max relative loss difference {rel:.2e}')
runs = [len(r.params) for o in (eager_trainer, compiled_trainer) for g in (o.optimizer._runs or []) for r in g]
print(f'adapters updated per optimizer kernel call (packed runs, eager then compiled): {runs} of {len(compiled_trainer.params)} each')
ok = (any('CUDA graphs' in l for l in logged) and any('keep their activations' in l for l in logged) and rel < 2e-2
      and runs == [len(compiled_trainer.params)] * 2)
print('OK' if ok else 'FAILED'); sys.exit(0 if ok else 1)
