#!/usr/bin/env python3
"""Peak GPU memory and seconds per clip of the captioning models (ltx2lora.captioning) in bf16, 8-bit and 4-bit.

Builds real-size Qwen2.5-VL-7B, whisper-large-v3 and AST (AudioSet) from their transformers configs (the values of
the released models are written out below, since nothing is downloaded), with random weights, saves each once as a
bf16 checkpoint, then loads it the way `ltx2lora.captioning.load_model` does (`from_pretrained`, bitsandbytes'
`BitsAndBytesConfig` for 8-bit and 4-bit NF4) and runs what the captioner runs for one 704x384x97 clip at 25 fps:

- Qwen2.5-VL: 16 frames at the default pixel budget (360*420 px a frame -> 280x504 -> 1440 video tokens),
  a ~100-token prompt, `--vlm-new-tokens` tokens of description and `--text-new-tokens` of on-screen text;
- Whisper: one 30 s window of 128-bin log-mel features, the no-speech step and `--asr-new-tokens` tokens;
- AST: one 10.24 s window (1024 x 128 filterbank).

Weights are random, so the generated tokens mean nothing; `min_new_tokens` makes every run produce the full length.

    python benchmarks/captioning_memory.py --out results.json            # on a CUDA machine
    python benchmarks/captioning_memory.py --dry-run                     # CPU: configs on the meta device, counts
    python benchmarks/captioning_memory.py --tiny --device cpu --modes bf16 --out /tmp/t.json   # CPU smoke test

Needs only torch, transformers, accelerate and (for 8-bit / 4-bit) bitsandbytes.
"""
from __future__ import annotations
import argparse, gc, inspect, json, math, os, shutil, sys, time
from pathlib import Path

# ---------------------------------------------------------------- the released models' configs
# Qwen/Qwen2.5-VL-7B-Instruct (= huihui-ai/Qwen2.5-VL-7B-Instruct-abliterated) config.json
QWEN2_5_VL_7B = dict(
    text_config=dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_hidden_layers=28,
                     num_attention_heads=28, num_key_value_heads=4, hidden_act='silu', max_position_embeddings=128000,
                     rms_norm_eps=1e-6, use_sliding_window=False, sliding_window=32768, max_window_layers=28,
                     rope_parameters=dict(rope_type='default', rope_theta=1000000.0, mrope_section=[16, 24, 24]),
                     bos_token_id=151643, eos_token_id=151645),
    vision_config=dict(depth=32, hidden_size=1280, intermediate_size=3420, num_heads=16, out_hidden_size=3584,
                       hidden_act='silu', patch_size=14, spatial_merge_size=2, temporal_patch_size=2, window_size=112,
                       fullatt_block_indexes=[7, 15, 23, 31], tokens_per_second=2, in_channels=3),
    image_token_id=151655, video_token_id=151656, vision_start_token_id=151652, vision_end_token_id=151653,
    tie_word_embeddings=False)
# openai/whisper-large-v3 config.json (128 mel bins, 100 languages)
WHISPER_LARGE_V3 = dict(vocab_size=51866, num_mel_bins=128, d_model=1280, encoder_layers=32, decoder_layers=32,
                        encoder_attention_heads=20, decoder_attention_heads=20, encoder_ffn_dim=5120, decoder_ffn_dim=5120,
                        max_source_positions=1500, max_target_positions=448, activation_function='gelu',
                        bos_token_id=50257, eos_token_id=50257, pad_token_id=50256, decoder_start_token_id=50258)
WHISPER_V3_IDS = dict(endoftext=50257, sot=50258, first_language=50259, translate=50359, transcribe=50360,
                      startofprev=50362, nospeech=50363, notimestamps=50364)
# MIT/ast-finetuned-audioset-10-10-0.4593 config.json (527 AudioSet classes)
AST_AUDIOSET = dict(hidden_size=768, num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                    hidden_act='gelu', layer_norm_eps=1e-12, patch_size=16, qkv_bias=True, frequency_stride=10,
                    time_stride=10, max_length=1024, num_mel_bins=128, num_labels=527,
                    problem_type='multi_label_classification')

# small stand-ins with the same structure, for --tiny (a CPU smoke test of this script)
TINY = dict(
    vlm=dict(text_config=dict(QWEN2_5_VL_7B['text_config'], vocab_size=152064, hidden_size=64, intermediate_size=128,
                              num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, max_window_layers=2,
                              rope_parameters=dict(rope_type='default', rope_theta=1e6, mrope_section=[2, 3, 3])),
             vision_config=dict(QWEN2_5_VL_7B['vision_config'], depth=2, hidden_size=32, intermediate_size=64, num_heads=2,
                                out_hidden_size=64, fullatt_block_indexes=[1])),
    asr=dict(d_model=32, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2, decoder_attention_heads=2,
             encoder_ffn_dim=64, decoder_ffn_dim=64),
    sounds=dict(hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64))

MODELS = ('vlm', 'asr', 'sounds')
MODES = ('bf16', '8bit', '4bit')
NAMES = dict(vlm='Qwen2.5-VL-7B', asr='whisper-large-v3', sounds='AST AudioSet')

# ---------------------------------------------------------------- the 704x384x97 clip, as the captioner feeds it
CLIP = dict(width=704, height=384, frames=97, fps=25.0)

def smart_resize(height:int, width:int, factor:int=28, min_pixels:int=128 * 28 * 28, max_pixels:int=360 * 420):
    "qwen-vl-utils' resize rule: both sides multiples of `factor`, pixels within [min_pixels, max_pixels], aspect kept."
    h, w = max(factor, round(height / factor) * factor), max(factor, round(width / factor) * factor)
    if h * w > max_pixels:
        beta = math.sqrt(height * width / max_pixels)
        h, w = math.floor(height / beta / factor) * factor, math.floor(width / beta / factor) * factor
    elif h * w < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h, w = math.ceil(height * beta / factor) * factor, math.ceil(width * beta / factor) * factor
    return h, w

def video_grid(frames:int=16, max_pixels:int=360 * 420, clip:dict=CLIP)->dict:
    "Qwen2.5-VL's video grid for `frames` frames of the clip: (t, h, w) in 14 px patches, and the number of video tokens."
    h, w = smart_resize(clip['height'], clip['width'], max_pixels=max_pixels)
    t = frames // 2
    grid = (t, h // 14, w // 14)
    return dict(resized=(h, w), grid_thw=grid, patches=grid[0] * grid[1] * grid[2], video_tokens=grid[0] * grid[1] * grid[2] // 4,
                sample_fps=frames / (clip['frames'] / clip['fps']))

# ---------------------------------------------------------------- configs and models
def make_config(kind:str, tiny:bool=False):
    import transformers as T
    if kind == 'vlm':
        d = dict(QWEN2_5_VL_7B, **(TINY['vlm'] if tiny else {}))
        return T.Qwen2_5_VLConfig(**d)
    if kind == 'asr': return T.WhisperConfig(**dict(WHISPER_LARGE_V3, **(TINY['asr'] if tiny else {})))
    if kind == 'sounds':
        d = dict(AST_AUDIOSET, **(TINY['sounds'] if tiny else {}))
        n = d.pop('num_labels')
        return T.ASTConfig(**d, id2label={i: f'label_{i}' for i in range(n)}, label2id={f'label_{i}': i for i in range(n)})
    raise ValueError(kind)

def model_class(kind:str):
    import transformers as T
    return {'vlm': T.Qwen2_5_VLForConditionalGeneration, 'asr': T.WhisperForConditionalGeneration,
            'sounds': T.ASTForAudioClassification}[kind]

def whisper_generation_config():
    "Whisper large-v3's generation settings that `generate(language=..., task='transcribe')` needs."
    import transformers as T
    from transformers.models.whisper.tokenization_whisper import LANGUAGES
    i = WHISPER_V3_IDS
    return T.GenerationConfig(
        decoder_start_token_id=i['sot'], bos_token_id=i['endoftext'], eos_token_id=i['endoftext'], pad_token_id=i['endoftext'],
        is_multilingual=True, lang_to_id={f'<|{c}|>': i['first_language'] + k for k, c in enumerate(LANGUAGES)},
        task_to_id={'translate': i['translate'], 'transcribe': i['transcribe']}, no_timestamps_token_id=i['notimestamps'],
        prev_sot_token_id=i['startofprev'], begin_suppress_tokens=[220, i['endoftext']], suppress_tokens=[],
        max_initial_timestamp_index=50, max_length=448)

def param_count_meta(kind:str, tiny:bool=False)->int:
    "Parameters of the model built on the meta device (no memory, no download)."
    import torch
    with torch.device('meta'): m = model_class(kind)(make_config(kind, tiny))
    return sum(p.numel() for p in m.parameters())

def write_checkpoint(kind:str, folder:Path, device:str, tiny:bool=False)->Path:
    "Build the model with random weights directly on `device` in bf16 and save it (once) as a checkpoint."
    import torch
    if (folder/'config.json').exists(): return folder
    cfg = make_config(kind, tiny)
    torch.manual_seed(0)
    with torch.device(device): m = model_class(kind)._from_config(cfg, dtype=torch.bfloat16)
    if kind == 'asr': m.generation_config = whisper_generation_config()
    m.save_pretrained(folder)
    del m; release(device)
    return folder

def release(device:str):
    import torch
    gc.collect()
    if str(device).startswith('cuda'): torch.cuda.empty_cache()

def load(kind:str, folder:Path, mode:str, device:str):
    "Load the checkpoint as `ltx2lora.captioning.load_model` does."
    import torch, transformers as T
    kw = dict(dtype=torch.bfloat16, attn_implementation='sdpa')
    gpu = {'': torch.device(device).index or 0}
    if mode == '8bit': kw.update(quantization_config=T.BitsAndBytesConfig(load_in_8bit=True), device_map=gpu)
    elif mode == '4bit':
        kw.update(quantization_config=T.BitsAndBytesConfig(load_in_4bit=True, bnb_4bit_quant_type='nf4', bnb_4bit_use_double_quant=True,
                                                           bnb_4bit_compute_dtype=torch.bfloat16), device_map=gpu)
    m = model_class(kind).from_pretrained(folder, **kw)
    if mode == 'bf16': m.to(device)
    return m.eval()

# ---------------------------------------------------------------- one clip's worth of work
def vlm_inputs(model, frames:int, max_pixels:int, prompt_tokens:int=100)->dict:
    import torch
    cfg, g = model.config, video_grid(frames, max_pixels)
    dev = model.device
    vocab = cfg.text_config.vocab_size if hasattr(cfg, 'text_config') else cfg.vocab_size
    ids = torch.randint(0, min(vocab, 150000), (prompt_tokens,))
    vid = torch.full((g['video_tokens'],), cfg.video_token_id)
    input_ids = torch.cat([ids[:20], torch.tensor([cfg.vision_start_token_id]), vid, torch.tensor([cfg.vision_end_token_id]), ids[20:]])[None]
    patch_dim = 3 * 2 * 14 * 14
    x = dict(input_ids=input_ids.to(dev), attention_mask=torch.ones_like(input_ids).to(dev),
             pixel_values_videos=torch.randn(g['patches'], patch_dim, dtype=torch.bfloat16, device=dev),
             video_grid_thw=torch.tensor([g['grid_thw']], device=dev),
             second_per_grid_ts=torch.tensor([2 / g['sample_fps']], device=dev))
    if 'mm_token_type_ids' in inspect.signature(model.forward).parameters:      # newer transformers
        x['mm_token_type_ids'] = (input_ids == cfg.video_token_id).int().mul(2).to(dev)
    return x

def run_clip(kind:str, model, args)->dict:
    "Everything the captioner does with this model for one clip; returns what was run."
    import torch
    dev = model.device
    with torch.inference_mode():
        if kind == 'vlm':
            x = vlm_inputs(model, args.frames, args.max_pixels)
            for n in (args.vlm_new_tokens, args.text_new_tokens):          # description, then on-screen text
                model.generate(**x, max_new_tokens=n, min_new_tokens=n, do_sample=False)
            return dict(prompt_tokens=x['input_ids'].shape[1], new_tokens=args.vlm_new_tokens + args.text_new_tokens)
        if kind == 'asr':
            f = torch.randn(1, model.config.num_mel_bins, 3000, dtype=model.dtype, device=dev)
            sot = torch.tensor([[model.generation_config.decoder_start_token_id]], device=dev)
            model(input_features=f, decoder_input_ids=sot)                      # the no-speech probability
            n = args.asr_new_tokens
            model.generate(f, language='en', task='transcribe', max_new_tokens=n, min_new_tokens=n)
            return dict(windows=1, new_tokens=n)
        x = torch.randn(1, model.config.max_length, model.config.num_mel_bins, dtype=model.dtype, device=dev)
        model(input_values=x)
        return dict(windows=1)

def measure(kind:str, mode:str, folder:Path, args)->dict:
    import torch
    cuda = str(args.device).startswith('cuda')
    row = dict(model=NAMES[kind], kind=kind, mode=mode)
    if cuda: release(args.device); torch.cuda.reset_peak_memory_stats(); base = torch.cuda.memory_allocated()
    t = time.time()
    model = load(kind, folder, mode, args.device)
    if cuda: torch.cuda.synchronize()
    row['load_s'] = round(time.time() - t, 1)
    if cuda:
        row['weights_gib'] = round((torch.cuda.memory_allocated() - base) / 2**30, 2)
        row['peak_load_gib'] = round((torch.cuda.max_memory_allocated() - base) / 2**30, 2)
    row['params'] = sum(p.numel() for p in model.parameters())
    small = argparse.Namespace(**{**vars(args), 'vlm_new_tokens': 2, 'text_new_tokens': 2, 'asr_new_tokens': 2})
    run_clip(kind, model, small)                                               # warm-up (kernels, allocator)
    if cuda: torch.cuda.synchronize(); torch.cuda.reset_peak_memory_stats()
    t = time.time()
    row.update(run_clip(kind, model, args))
    if cuda: torch.cuda.synchronize()
    row['seconds_per_clip'] = round(time.time() - t, 2)
    if cuda:
        row['peak_gib'] = round((torch.cuda.max_memory_allocated() - base) / 2**30, 2)
        row['peak_reserved_gib'] = round(torch.cuda.max_memory_reserved() / 2**30, 2)
    del model; release(args.device)
    return row

# ---------------------------------------------------------------- command line
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--out', help='JSON file for the results')
    p.add_argument('--models', default=','.join(MODELS), help=f'comma-separated subset of {",".join(MODELS)}')
    p.add_argument('--modes', default=','.join(MODES), help=f'comma-separated subset of {",".join(MODES)}')
    p.add_argument('--frames', type=int, default=16, help='frames shown to the VLM (default 16)')
    p.add_argument('--max-pixels', type=int, default=360 * 420, help='VLM pixel budget per frame (default 151200)')
    p.add_argument('--vlm-new-tokens', type=int, default=300, help='description length in tokens (default 300)')
    p.add_argument('--text-new-tokens', type=int, default=64, help='on-screen-text answer length (default 64)')
    p.add_argument('--asr-new-tokens', type=int, default=64, help='transcript tokens per 30 s window (default 64)')
    p.add_argument('--workdir', default='/tmp/captioning_memory', help='where the random checkpoints are saved')
    p.add_argument('--device', default=None, help="default 'cuda'")
    p.add_argument('--tiny', action='store_true', help='small configs of the same structure (smoke test of this script)')
    p.add_argument('--dry-run', action='store_true', help='build the configs on the meta device, print sizes and inputs, run nothing')
    p.add_argument('--keep', action='store_true', help='keep the random checkpoints in --workdir')
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(',') if m.strip()]
    a.modes = [m.strip() for m in a.modes.split(',') if m.strip()]
    for m in a.models:
        if m not in MODELS: p.error(f'unknown model {m!r}: choose from {MODELS}')
    for m in a.modes:
        if m not in MODES: p.error(f'unknown mode {m!r}: choose from {MODES}')
    if a.frames < 2 or a.frames % 2: p.error('--frames must be an even number >= 2 (Qwen2.5-VL takes frames in pairs)')
    return a

def dry_run(args)->dict:
    out = dict(clip=CLIP, vlm_video=video_grid(args.frames, args.max_pixels), models={})
    for kind in args.models:
        n = param_count_meta(kind, args.tiny)
        out['models'][kind] = dict(model=NAMES[kind], params=n, bf16_weights_gib=round(n * 2 / 2**30, 2))
        print(f'{NAMES[kind]:18} {n / 1e9:6.3f} B parameters  ~{n * 2 / 2**30:5.1f} GiB in bf16')
    g = out['vlm_video']
    print(f"VLM input for the {CLIP['width']}x{CLIP['height']}x{CLIP['frames']} clip: {args.frames} frames resized to "
          f"{g['resized'][1]}x{g['resized'][0]}, grid {g['grid_thw']}, {g['video_tokens']} video tokens")
    return out

def main(argv=None)->int:
    args = parse_args(argv)
    if args.dry_run:
        res = dry_run(args)
    else:
        import torch
        args.device = args.device or 'cuda'
        if str(args.device).startswith('cuda') and not torch.cuda.is_available():
            print('no CUDA GPU here: run with --dry-run (or --tiny --device cpu --modes bf16 for a smoke test)', file=sys.stderr)
            return 2
        try: import bitsandbytes; bnb = bitsandbytes.__version__            # noqa: F401
        except Exception as e: bnb = None; bnb_err = f'{type(e).__name__}: {e}'
        import transformers
        res = dict(clip=CLIP, vlm_video=video_grid(args.frames, args.max_pixels), rows=[],
                   env=dict(torch=torch.__version__, transformers=transformers.__version__, bitsandbytes=bnb,
                            gpu=torch.cuda.get_device_name() if torch.cuda.is_available() else None, tiny=args.tiny),
                   settings=dict(frames=args.frames, max_pixels=args.max_pixels, vlm_new_tokens=args.vlm_new_tokens,
                                 text_new_tokens=args.text_new_tokens, asr_new_tokens=args.asr_new_tokens))
        work = Path(args.workdir)
        for kind in args.models:
            folder = work/(kind + ('_tiny' if args.tiny else ''))
            t = time.time(); write_checkpoint(kind, folder, args.device, args.tiny)
            print(f'{NAMES[kind]}: random checkpoint in {folder} ({time.time() - t:.0f} s)', flush=True)
            for mode in args.modes:
                if mode != 'bf16' and (bnb is None or not str(args.device).startswith('cuda')):
                    row = dict(model=NAMES[kind], kind=kind, mode=mode, skipped=f'bitsandbytes on CUDA needed ({bnb_err if bnb is None else args.device})')
                else:
                    try: row = measure(kind, mode, folder, args)
                    except Exception as e:
                        row = dict(model=NAMES[kind], kind=kind, mode=mode, error=f'{type(e).__name__}: {e}'); release(args.device)
                res['rows'].append(row)
                print(json.dumps(row), flush=True)
                if args.out: Path(args.out).write_text(json.dumps(res, indent=2) + '\n')   # after every row: partial results survive
            if not args.keep: shutil.rmtree(folder, ignore_errors=True)
        print(f"\n{'model':18} {'mode':5} {'weights GiB':>11} {'peak GiB':>9} {'s/clip':>7}")
        for r in res['rows']:
            if 'seconds_per_clip' in r:
                print(f"{r['model']:18} {r['mode']:5} {r.get('weights_gib', float('nan')):11.2f} {r.get('peak_gib', float('nan')):9.2f} {r['seconds_per_clip']:7.2f}")
            else: print(f"{r['model']:18} {r['mode']:5} {r.get('skipped') or r.get('error')}")
    if args.out: Path(args.out).write_text(json.dumps(res, indent=2) + '\n')
    return 0

if __name__ == '__main__':
    sys.exit(main())
