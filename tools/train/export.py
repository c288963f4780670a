#!/usr/bin/python3
# Exports the latest checkpoint of a training folder as models/easel-shapes/: an SD 1.x LDM single
# file (fp16, EMA weights, __metadata__["easel.config"] with every hyper-parameter the tensor shapes
# do not show), the CLIP tokenizer files and the evaluation set.
import argparse
import hashlib
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import common  # noqa: E402
import evalset  # noqa: E402
import ldm_file  # noqa: E402
import st_io  # noqa: E402
import stage_decoder  # noqa: E402
import stage_diffusion  # noqa: E402
import stage_vae  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))


def easel_config(cfg, vocab, step, vae_step, weights="ema", decoder_step=0):
    u, t, v = cfg["unet"], cfg["text_encoder"], cfg["vae"]
    return {
        "name": "easel-shapes",
        "family": "sd1",
        "image_size": cfg["image_size"],
        "latent_size": cfg["image_size"] // 8,
        "prediction_type": "epsilon",
        "schedule": cfg["schedule"],
        "unet": dict(u),
        "vae": dict(v),
        "text_encoder": dict(t, vocab_size=len(vocab), bos_token_id=vocab["<|startoftext|>"],
                             eos_token_id=vocab["<|endoftext|>"], pad_token_id=vocab["<|endoftext|>"],
                             clip_skip_default=1),
        "tokenizer": "tokenizer/vocab.json + tokenizer/merges.txt (CLIP byte-level BPE, learned from the captions)",
        "training": {"seed": cfg["seed"], "diffusion_steps": step, "weights": "EMA" if weights == "ema" else "raw", "vae_steps": vae_step,
                     "decoder_finetune_steps": decoder_step,
                     "offset_noise": {"std": stage_diffusion.OFFSET_NOISE, "from_step": stage_diffusion.OFFSET_FROM_STEP,
                                      "ramp_t": list(stage_diffusion.OFFSET_RAMP),
                                      "ramp_from_step": stage_diffusion.OFFSET_RAMP_FROM_STEP},
                     "low_noise_caption_swap": {"t_below": stage_diffusion.SWAP_T, "p": stage_diffusion.SWAP_P,
                                                "from_step": stage_diffusion.SWAP_FROM_STEP},
                     "status": "trained" if step > 0 else "UNTRAINED placeholder: diffusion stage not reached",
                     "data": "tools/train/shapes.py procedural scenes, captions from tools/train/captions.py"},
        "recommended": {"sampler": "Euler a", "steps": 20, "cfg_scale": 7, "width": 128, "height": 128},
    }


def load_models(d, weights="ema", decoder="final"):
    """The three networks of a training folder: (cfg, models, diffusion {"step", "lr_decay"}, decoder step)."""
    cfg = json.load(open(os.path.join(d, "config.json")))
    models = ldm_file.build(cfg)
    dpath = os.path.join(d, "diffusion.pt")
    if os.path.exists(dpath):
        st = torch.load(dpath)
        pre = "ema_" if weights == "ema" else ""
        models["unet"].load_state_dict(st[pre + "unet"])
        models["text_encoder"].load_state_dict(st[pre + "text_encoder"])
    else:  # training has not reached the diffusion stage: the initial weights, marked as such
        print("warning: no diffusion checkpoint yet; exporting an untrained UNet and text encoder")
        unet, te = stage_diffusion.build(cfg, cfg["seed"])
        models["unet"].load_state_dict(unet.state_dict())
        models["text_encoder"].load_state_dict(te.state_dict())
        st = {"step": 0}
    vpath = os.path.join(d, "vae_final.pt")
    if os.path.exists(vpath):
        models["vae"].load_state_dict(torch.load(vpath))
    else:  # VAE still training: its latest checkpoint, rescaled as the trainer will do at its end
        print("warning: VAE still training; exporting its latest checkpoint")
        models["vae"].load_state_dict(torch.load(os.path.join(d, "vae.pt"))["model"])
        stage_vae.fold_scale(models["vae"], cfg["seed"])
    # The fine-tuned decoder (stage_decoder.py; same latent space): its final weights, or with
    # decoder="latest" its newest checkpoint (to look at a run in progress).
    dec_step = 0
    dec_final, dec_ckpt = os.path.join(d, "decoder_final.pt"), os.path.join(d, "decoder.pt")
    if decoder != "none" and os.path.exists(dec_ckpt) and (decoder == "latest" or os.path.exists(dec_final)):
        dst = torch.load(dec_ckpt)
        dec_step = dst["step"]
        dec = torch.load(dec_final) if decoder == "final" else dst["decoder"]
        missing, unexpected = models["vae"].load_state_dict(dec, strict=False)
        assert not unexpected and all(not k.startswith(stage_decoder.DECODER_KEYS) for k in missing)
        print(f"decoder: fine-tuned weights, step {dec_step}")
    return cfg, models, {"step": st["step"], "lr_decay": st.get("lr_decay")}, dec_step


def export(d, out, weights="ema", decoder="final"):
    cfg, models, diffusion, dec_step = load_models(d, weights, decoder)
    step = diffusion["step"]
    sd = {k: v.to(torch.float16) for k, v in ldm_file.join(models).items()}
    os.makedirs(os.path.join(out, "tokenizer"), exist_ok=True)
    for f in ("vocab.json", "merges.txt"):
        shutil.copyfile(os.path.join(d, "tokenizer", f), os.path.join(out, "tokenizer", f))
    vocab = json.load(open(os.path.join(out, "tokenizer/vocab.json"), encoding="utf-8"))
    vae_step = torch.load(os.path.join(d, "vae.pt"))["step"]
    meta = {"format": "pt", "easel.config": json.dumps(easel_config(cfg, vocab, step, vae_step, weights, dec_step), sort_keys=True)}
    path = os.path.join(out, "easel-shapes.safetensors")
    st_io.save(sd, path, meta)
    evalset.write(os.path.join(out, "eval_set.json"))
    with open(path, "rb") as f:
        blob = f.read()
    counts = {c: sum(p.numel() for p in m.parameters()) for c, m in models.items()}
    print(f"wrote {path}: {len(sd)} tensors, {len(blob) / 1e6:.2f} MB, params {counts}, "
          f"diffusion step {step}")
    print(f"sha256 {hashlib.sha256(blob).hexdigest()}")
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
    print(f"folder {out}: {total / 1e6:.2f} MB")
    return path


def main():
    p = argparse.ArgumentParser(description="export a training folder as models/easel-shapes")
    p.add_argument("--dir", default=os.environ.get("EASEL_TRAIN_DIR", "/work/train-ckpt"))
    p.add_argument("--out", default=os.path.join(REPO, "models/easel-shapes"))
    p.add_argument("--weights", choices=["ema", "raw"], default="ema",
                   help="EMA weights (default, what ships) or the raw optimiser weights (for comparison)")
    p.add_argument("--decoder", choices=["final", "latest", "none"], default="final",
                   help="VAE decoder: fine-tuned final weights when stage_decoder.py has finished (default), "
                        "its latest checkpoint, or the VAE stage's own")
    a = p.parse_args()
    export(a.dir, a.out, a.weights, a.decoder)


if __name__ == "__main__":
    main()
