#!/usr/bin/env python3
"""Peak GPU memory and seconds per clip of latent caching (`ltx2lora.latents`) at 704x384x97 with audio, under a 24 GiB cap.

Builds, with random weights and directly on the GPU (meta device -> `to_empty` -> `normal_`, nothing initialised on
the CPU except what ltx2lora itself keeps there):

- the LTX-2 19B video VAE encoder (ltx-core's `VideoEncoderConfigurator`; the block list is the publicly reported one
  of the 19B checkpoint's metadata, not verified against the file), in bf16;
- the audio VAE encoder (ch 128, ch_mult 1-2-4, 2 residual blocks per level), in float32;
- Gemma 3 12B's language model (ltx-core's `GEMMA3_CONFIG_FOR_LTX`: 48 layers, 3840 wide, vocab 262,208) in bf16
  and in 8-bit (bitsandbytes `Linear8bitLt`, LLM.int8 threshold 6.0, as `BitsAndBytesConfig(load_in_8bit=True)`
  quantizes it), trimmed the way `ltx2lora.latents.load_text_encoder` trims it (no vision tower, token embedding
  table in CPU memory);
- the 19B feature extractor (`FeatureExtractorV1`, Linear 188160 -> 3840): streamed from pinned CPU memory next to
  bf16 Gemma, resident on the GPU next to 8-bit Gemma, as `preprocess` does;

and times what `preprocess` runs per clip, with the same functions (`encode_video`, `encode_audio`,
`gemma_hidden_states` + `prompt_conditions`):

- video encode, untiled and tiled (512 px tiles, 128 px overlap), of a 704x384x97 clip;
- audio encode of its 3.88 s of 44.1 kHz stereo;
- text embedding of one prompt (1024 tokens, left-padded, 200 real), Gemma bf16 and 8-bit.

Each phase runs under `torch.cuda.set_per_process_memory_fraction(24 GiB / card)`; the peak is
`torch.cuda.max_memory_allocated()` after `reset_peak_memory_stats()` (resident weights included). A phase that
does not fit is reported as OOM and the others still run.

    PYTHONPATH=. python benchmarks/latents_memory.py --out latents_memory.json     # on a CUDA machine (~2-3 min on an H100)
    PYTHONPATH=. python benchmarks/latents_memory.py --dry-run                     # the same code on the CPU, tiny sizes

Needs torch, transformers, bitsandbytes (8-bit phase), safetensors, ltx-core and einops, and this repository on
PYTHONPATH.
"""
from __future__ import annotations
import argparse, gc, json, platform, sys, time
from pathlib import Path

GIB = 1 << 30
CLIP = dict(width=704, height=384, frames=97, fps=25.0, audio_rate=44100)
TINY_CLIP = dict(width=128, height=64, frames=9, fps=25.0, audio_rate=44100)
PROMPT_TOKENS = 200   # real tokens of the prompt; the rest of the 1024 is left padding (computed all the same)


def vae_config(tiny:bool)->dict:
    "The checkpoint config: tiny, or LTX-2 19B's (`ltx2lora.fixtures.ltx2_19b_config`; VAE block lists as publicly reported)."
    import ltx2lora.fixtures as t
    if tiny: return t.tiny_ltx2_config('2')
    if hasattr(t, 'ltx2_19b_config'): return t.ltx2_19b_config()
    cfg = t.tiny_ltx2_config('2')    # the same values, for a checkout without ltx2_19b_config
    res = lambda n: ['res_x', {'num_layers': n}]
    cfg['vae'].update(decoder_base_channels=128, encoder_blocks=[
        res(4), ['compress_space_res', {'multiplier': 2}], res(6), ['compress_time_res', {'multiplier': 2}],
        res(4), ['compress_all_res', {'multiplier': 2}], res(2), ['compress_all_res', {'multiplier': 1}], res(2)])
    cfg['audio_vae']['model']['params']['ddconfig'].update(ch_mult=[1, 2, 4], num_res_blocks=2)
    return cfg


def gemma_config(tiny:bool):
    import transformers as T
    if not tiny:
        from ltx_core.text_encoders.gemma.config import GEMMA3_CONFIG_FOR_LTX
        return T.Gemma3Config.from_dict(GEMMA3_CONFIG_FOR_LTX.to_dict())
    return T.Gemma3Config(
        text_config=dict(vocab_size=384, hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=2,
                         num_key_value_heads=1, head_dim=32, query_pre_attn_scalar=32, max_position_embeddings=4096,
                         sliding_window=512),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                           image_size=28, patch_size=14), mm_tokens_per_image=4)


def materialize_(module, device, dtype=None, std:float=0.02):
    """Give every tensor of `module` still on the meta device real memory on `device` (floating ones in `dtype`):
    parameters ~ N(0, std), norm weights 0 (Gemma's RMSNorm scales by 1 + w), VAE latent statistics mean 0 / std 1.
    Tensors that already exist (bitsandbytes' int8 weights) are left alone."""
    import torch
    with torch.no_grad():
        for mname, m in module.named_modules():
            for name, p in list(m.named_parameters(recurse=False)):
                if not p.is_meta: continue
                t = torch.empty(p.shape, device=device, dtype=dtype if dtype is not None and p.is_floating_point() else p.dtype)
                full = f'{mname}.{name}'
                if 'norm' in full.lower(): t.zero_()
                else: t.normal_(0, std)
                setattr(m, name, torch.nn.Parameter(t, requires_grad=False))
            for name, b in list(m.named_buffers(recurse=False)):
                if not b.is_meta: continue
                t = torch.empty(b.shape, device=device, dtype=dtype if dtype is not None and b.is_floating_point() else b.dtype)
                if name == 'std-of-means': t.fill_(1.0)
                else: t.zero_()
                m._buffers[name] = t
    return module.eval()


def build_video_encoder(cfg, device):
    import torch
    from ltx_core.model.video_vae import VideoEncoderConfigurator
    with torch.device('meta'): enc = VideoEncoderConfigurator.from_config(cfg)
    return materialize_(enc, device, torch.bfloat16)


def build_audio_encoder(cfg, device):
    "The audio VAE encoder and, as `preprocess` makes it once for all clips, ltx-core's AudioProcessor for it."
    import torch
    from ltx_core.model.audio_vae import AudioEncoderConfigurator, AudioProcessor
    with torch.device('meta'): enc = AudioEncoderConfigurator.from_config(cfg)
    enc = materialize_(enc, device, torch.float32)
    return enc, AudioProcessor(target_sample_rate=enc.sample_rate, mel_bins=enc.mel_bins, mel_hop_length=enc.mel_hop_length,
                               n_fft=enc.n_fft).to(device)


def _linear8(linear, device):
    "A bitsandbytes Linear8bitLt with random weights, quantized on `device` (as from_pretrained's 8-bit loading does)."
    import torch, bitsandbytes as bnb
    w = torch.empty(linear.out_features, linear.in_features, device=device, dtype=torch.float16).normal_(0, 0.02)
    cb, scb, _ = bnb.functional.int8_vectorwise_quant(w)
    del w
    q = bnb.nn.Linear8bitLt(linear.in_features, linear.out_features, bias=False, has_fp16_weights=False, threshold=6.0,
                            device='meta')
    q.weight = bnb.nn.Int8Params(cb, requires_grad=False, has_fp16_weights=False, CB=cb, SCB=scb)
    return q


def build_gemma(tiny:bool, device, in_8bit:bool):
    "Gemma 3's language model with random weights, laid out as `load_text_encoder` leaves it, in ltx-core's GemmaTextEncoder."
    import torch, transformers as T
    from ltx_core.text_encoders.gemma import GemmaTextEncoder
    cfg = gemma_config(tiny)
    with torch.device('meta'): model = T.Gemma3ForConditionalGeneration(cfg)
    model.model.vision_tower = None; model.model.multi_modal_projector = None   # load_text_encoder drops them
    lm = model.model.language_model
    emb = lm.embed_tokens                       # load_text_encoder keeps the table in CPU memory on CUDA
    materialize_(emb, 'cpu', torch.bfloat16)
    emb.embed_scale.fill_(cfg.text_config.hidden_size ** 0.5)
    materialize_(lm.norm, device, torch.bfloat16)
    lm.rotary_emb = type(lm.rotary_emb)(cfg.text_config).to(device)   # its inv_freq buffers, computed for real
    for layer in lm.layers:
        if in_8bit:
            for parent in (layer.self_attn, layer.mlp):
                for name, child in list(parent.named_children()):
                    if isinstance(child, torch.nn.Linear): setattr(parent, name, _linear8(child, device))
        materialize_(layer, device, torch.bfloat16)   # norms (and, in bf16, the linears)
    return GemmaTextEncoder(model=model, tokenizer=None, dtype=torch.bfloat16)


def build_feature_extractor(tiny:bool, device, stream:bool):
    import torch
    from ltx_core.text_encoders.gemma.feature_extractor import FeatureExtractorV1
    from ltx2lora.latents import stream_feature_extractor
    hidden, states = (64, 3) if tiny else (3840, 49)
    with torch.device('meta'):
        fe = FeatureExtractorV1(aggregate_embed=torch.nn.Linear(hidden * states, hidden, bias=False), is_av=True)
    if stream: return stream_feature_extractor(materialize_(fe, 'cpu', torch.bfloat16))   # lives in (pinned) CPU memory
    return materialize_(fe, device, torch.bfloat16)


# ---------------------------------------------------------------- measuring
def _sync(device):
    import torch
    if device.startswith('cuda'): torch.cuda.synchronize()


def measure(name:str, device:str, build, run, repeats:int)->dict:
    "Build, run once to warm up, reset the peak, run `repeats` times; peak memory (GiB) and seconds per run."
    import torch
    out = dict(phase=name, peak_gib=None, seconds=None, fits=None, error=None)
    cuda = device.startswith('cuda')
    things = None
    try:
        things = build()
        run(things); _sync(device)
        if cuda: torch.cuda.reset_peak_memory_stats()
        t = time.perf_counter()
        for _ in range(repeats): run(things)
        _sync(device)
        out['seconds'] = round((time.perf_counter() - t) / repeats, 3)
        if cuda:
            out['peak_gib'] = round(torch.cuda.max_memory_allocated() / GIB, 2)
            out['fits'] = True
    except Exception as e:   # an OOM under the cap is a result, not a crash
        oom = 'out of memory' in str(e).lower() or type(e).__name__ == 'OutOfMemoryError'
        out['error'] = ('OOM under the cap: ' if oom else '') + f'{type(e).__name__}: {str(e).splitlines()[0][:300]}'
        if oom: out['fits'] = False
        if cuda: out['peak_gib'] = round(torch.cuda.max_memory_allocated() / GIB, 2)
    finally:
        del things
        gc.collect()
        if cuda: torch.cuda.empty_cache()
    print(f"{name:36} peak {out['peak_gib'] if out['peak_gib'] is not None else '-':>6} GiB  "
          f"{out['seconds'] if out['seconds'] is not None else '-':>7} s/clip  {out['error'] or ''}", flush=True)
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--dry-run', action='store_true', help='the same code on the CPU with tiny sizes (no memory figures)')
    p.add_argument('--device', default=None, help='default: cuda (cpu with --dry-run)')
    p.add_argument('--cap-gib', type=float, default=24.0, help='per-process GPU memory cap (default 24 GiB)')
    p.add_argument('--repeats', type=int, default=3, help='timed runs per phase, after one warm-up run')
    p.add_argument('--phases', default='video,video_tiled,audio,text_8bit,text_bf16', help='comma-separated subset')
    p.add_argument('--out', help='write the results as JSON here')
    a = p.parse_args(argv)
    import logging, torch
    from ltx2lora.latents import (encode_video, encode_audio, gemma_hidden_states, prompt_conditions)
    logging.getLogger('bitsandbytes').setLevel(logging.ERROR)   # as load_text_encoder quiets it (and the CPU kernels notice)
    tiny = a.dry_run
    device = a.device or ('cpu' if tiny else 'cuda')
    if device.startswith('cuda'):
        if not torch.cuda.is_available(): sys.exit('no CUDA device: run with --dry-run on a CPU machine')
        total = torch.cuda.get_device_properties(0).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, a.cap_gib * GIB / total))
        card = f'{torch.cuda.get_device_name(0)} ({total / GIB:.1f} GiB)'
    else: card, total = f'CPU ({platform.processor() or platform.machine()})', None
    clip = TINY_CLIP if tiny else CLIP
    cfg = vae_config(tiny)
    gen = torch.Generator().manual_seed(0)
    video = torch.rand(1, 3, clip['frames'], clip['height'], clip['width'], generator=gen) * 2 - 1   # [-1, 1], on the CPU like decoded frames
    seconds = clip['frames'] / clip['fps']
    wave = (torch.rand(2, int(round(seconds * clip['audio_rate'])), generator=gen) - 0.5) * 0.6
    L = 128 if tiny else 1024
    vocab = gemma_config(tiny).text_config.vocab_size
    ids = torch.zeros(1, L, dtype=torch.int64); mask = torch.zeros(1, L, dtype=torch.int64)
    n = min(PROMPT_TOKENS, L - 1)
    ids[0, -n:] = torch.randint(5, vocab, (n,), generator=gen); ids[0, -n] = 2; mask[0, -n:] = 1   # <bos> + tokens, left-padded

    tile, overlap = (96, 64) if tiny else (512, 128)   # the tiny clip is 128 px wide: 96 px tiles make it tile

    def text_run(things):
        te, fe = things
        return prompt_conditions(fe, *gemma_hidden_states(te, ids, mask))

    phases = {
        'video': ('video encode (bf16)', lambda: build_video_encoder(cfg, device), lambda enc: encode_video(enc, video)),
        'video_tiled': (f'video encode, tiled {tile}/{overlap} (bf16)', lambda: build_video_encoder(cfg, device),
                        lambda enc: encode_video(enc, video, tiling=True, tile_size=tile, tile_overlap=overlap)),
        'audio': ('audio encode (float32)', lambda: build_audio_encoder(cfg, device),
                  lambda enc: encode_audio(enc[0], wave, clip['audio_rate'], enc[1])),
        'text_8bit': ('text: Gemma 8-bit + FE resident', lambda: (build_gemma(tiny, device, True), build_feature_extractor(tiny, device, False)), text_run),
        'text_bf16': ('text: Gemma bf16 + FE streamed', lambda: (build_gemma(tiny, device, False), build_feature_extractor(tiny, device, True)), text_run),
    }
    wanted = [x.strip() for x in a.phases.split(',') if x.strip()]
    unknown = set(wanted) - set(phases)
    if unknown: sys.exit(f'unknown phases {sorted(unknown)}; choose from {list(phases)}')
    print(f'{card}, cap {a.cap_gib:g} GiB, clip {clip["width"]}x{clip["height"]}x{clip["frames"]} @ {clip["fps"]:g} fps '
          f'with {seconds:.2f} s of audio, prompt {L} tokens', flush=True)
    results = [measure(phases[k][0], device, phases[k][1], phases[k][2], a.repeats) for k in wanted]
    versions = {}
    for mod in ('torch', 'transformers', 'bitsandbytes', 'ltx_core'):
        try: versions[mod] = getattr(__import__(mod), '__version__', None) or _dist_version(mod)
        except Exception: versions[mod] = None
    report = dict(card=card, cap_gib=a.cap_gib, dry_run=tiny, clip=clip, prompt_tokens=L, repeats=a.repeats,
                  versions=versions, command=' '.join([Path(sys.argv[0]).name] + (argv if argv is not None else sys.argv[1:])),
                  results=results)
    print('\n| phase | peak GiB | s / clip | fits the cap |\n|---|---|---|---|')
    for r in results:
        print(f"| {r['phase']} | {r['peak_gib'] if r['peak_gib'] is not None else '-'} | "
              f"{r['seconds'] if r['seconds'] is not None else '-'} | {({True: 'yes', False: 'NO'}).get(r['fits'], '-')}"
              f"{' (' + r['error'] + ')' if r['error'] else ''} |")
    if a.out: Path(a.out).write_text(json.dumps(report, indent=2) + '\n')
    failed = [r for r in results if r['error'] and r['fits'] is not False]
    return 1 if failed else 0


def _dist_version(mod):
    from importlib.metadata import version
    return version(mod.replace('_', '-'))


if __name__ == '__main__':
    sys.exit(main())
