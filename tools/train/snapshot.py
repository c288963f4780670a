#!/usr/bin/python3
# Training state that outlives a session. A session's processes and every file outside git end
# with it; the first run's checkpoints (about 8 CPU hours: VAE, decoder fine-tune, 20k diffusion
# steps) lived in /work/train-ckpt and were lost that way before the model shipped. So the state a
# later session needs is committed: one LDM single file (fp16; the UNet and text encoder as their
# EMA weights, the VAE with its newest decoder) under tools/train/state/, with the stage counters in
# its metadata. Once the diffusion stage has begun it is also a model easel can load, for looking
# at a run in progress.
#
#   /usr/bin/python3 tools/train/snapshot.py save      # training folder -> tools/train/state/
#   /usr/bin/python3 tools/train/snapshot.py restore   # tools/train/state/ -> a new training folder
#
# train.py restores by itself when its folder is new and the snapshot exists. A restored run goes on
# from the EMA weights with a fresh AdamW (warm-up again) and re-encodes its latent cache; it does
# not draw exactly what an uninterrupted run would have, and its log says so.
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import common  # noqa: E402
import export  # noqa: E402
import ldm_file  # noqa: E402
import st_io  # noqa: E402
import stage_decoder  # noqa: E402

DEFAULT = os.path.join(export.REPO, "tools/train/state/easel-shapes-train.safetensors")
KEY = "easel.train_state"


def save(d, path):
    if not os.path.exists(os.path.join(d, "vae_final.pt")):
        sys.exit(f"error: {d}: the VAE stage has not finished (vae_final.pt); nothing worth keeping yet")
    dec_done = os.path.exists(os.path.join(d, "decoder_final.pt"))
    cfg, models, diffusion, dec_step = export.load_models(d, "ema", "final" if dec_done else "latest")
    step = diffusion["step"]
    state = {"seed": cfg["seed"], "vae_step": torch.load(os.path.join(d, "vae.pt"))["step"],
             "diffusion_step": step, "decoder_step": dec_step, "decoder_done": dec_done,
             "config": cfg, "lr_decay": diffusion["lr_decay"]}
    vocab = json.load(open(os.path.join(d, "tokenizer/vocab.json"), encoding="utf-8"))
    meta = {"format": "pt", KEY: json.dumps(state, sort_keys=True),
            "easel.config": json.dumps(export.easel_config(cfg, vocab, step, state["vae_step"], "ema", dec_step),
                                       sort_keys=True)}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if step == 0:  # before the diffusion stage only the VAE is worth keeping (4 MB, not 21)
        models = {"vae": models["vae"]}
    sd = {k: v.to(torch.float16) for k, v in ldm_file.join(models).items()}
    tmp = path + ".tmp"
    st_io.save(sd, tmp, meta)
    os.replace(tmp, path)
    print(f"wrote {path}: {os.path.getsize(path) / 1e6:.2f} MB; diffusion step {step}, decoder step {dec_step}"
          f"{' (done)' if dec_done else ''}, vae step {state['vae_step']}")


def restore(path, d, log=print):
    """Writes config.json, vae.pt, vae_final.pt, diffusion.pt (and decoder.pt / decoder_final.pt)
    into the new folder d from the snapshot. The tokenizer is learned again by train.py (it is a
    pure function of the seed)."""
    if os.path.exists(os.path.join(d, "config.json")):
        sys.exit(f"error: {d} already holds a run (config.json); restore only into a new folder")
    sd, meta = st_io.load(path)
    if KEY not in meta:
        sys.exit(f"error: {path}: no {KEY} metadata; not a training snapshot")
    state = json.loads(meta[KEY])
    cfg = state["config"]
    parts = ldm_file.split({k: v.float() for k, v in sd.items()})
    os.makedirs(d, exist_ok=True)
    common.save_atomic({"model": parts["vae"], "step": state["vae_step"]}, os.path.join(d, "vae.pt"))
    common.save_atomic(parts["vae"], os.path.join(d, "vae_final.pt"))
    if state["diffusion_step"] > 0:
        # Raw weights := EMA weights, no optimiser state: stage_diffusion warms the LR up again.
        common.save_atomic({"unet": parts["unet"], "text_encoder": parts["text_encoder"],
                            "ema_unet": parts["unet"], "ema_text_encoder": parts["text_encoder"],
                            "opt": None, "step": state["diffusion_step"], "lr_decay": state.get("lr_decay")},
                           os.path.join(d, "diffusion.pt"))
    if state["decoder_step"] > 0:
        dec = stage_decoder.decoder_state(parts["vae"])
        common.save_atomic({"decoder": dec, "opt": None, "step": state["decoder_step"]}, os.path.join(d, "decoder.pt"))
        if state["decoder_done"]:
            common.save_atomic(dec, os.path.join(d, "decoder_final.pt"))
    common.write_json(cfg, os.path.join(d, "config.json"))
    log(f"restored {path} into {d}: vae step {state['vae_step']}, diffusion step {state['diffusion_step']}, "
        f"decoder step {state['decoder_step']}{' (done)' if state['decoder_done'] else ''}; "
        f"EMA weights as the raw weights, fresh optimiser state")
    return state


def main():
    p = argparse.ArgumentParser(description="save or restore the committed training snapshot")
    p.add_argument("action", choices=["save", "restore"])
    p.add_argument("--dir", default=os.environ.get("EASEL_TRAIN_DIR", "/work/train-ckpt"))
    p.add_argument("--file", default=DEFAULT)
    a = p.parse_args()
    if a.action == "save":
        save(a.dir, a.file)
    else:
        restore(a.file, a.dir)


if __name__ == "__main__":
    main()
