#!/usr/bin/python3
# Trains the easel-shapes model in resumable stages: BPE vocabulary -> VAE -> latent cache ->
# text encoder + UNet. Re-running the same command continues from the last checkpoint in --dir.
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

import bpe  # noqa: E402
import captions  # noqa: E402
import common  # noqa: E402
import snapshot  # noqa: E402
import stage_diffusion  # noqa: E402
import stage_latents  # noqa: E402
import stage_vae  # noqa: E402
import vae as vae_mod  # noqa: E402


def parse():
    p = argparse.ArgumentParser(description="train the easel-shapes latent diffusion model (resumable)")
    p.add_argument("--dir", default=os.environ.get("EASEL_TRAIN_DIR", "/work/train-ckpt"),
                   help="checkpoint folder, outside git (default $EASEL_TRAIN_DIR or /work/train-ckpt)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--vae-steps", type=int, default=4000, help="VAE steps (batch 8 crops, last 30%% full images)")
    p.add_argument("--images", type=int, default=16000, help="scenes in the latent cache (multiple of 1000)")
    p.add_argument("--steps", type=int, default=40000, help="diffusion steps (batch 32); may be raised later")
    p.add_argument("--lr-decay", type=int, nargs=2, metavar=("FROM", "TO"),
                   help="cosine LR decay between these diffusion steps (kept on resume; default constant)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    p.add_argument("--snapshot", default=snapshot.DEFAULT,
                   help="committed training state to start a new --dir from (snapshot.py), or 'none'")
    return p.parse_args()


def main():
    args = parse()
    torch.set_num_threads(args.threads)
    d = args.dir
    os.makedirs(d, exist_ok=True)
    log = common.Log(os.path.join(d, "train.log"))
    stop = common.StopFlag()
    cfg_path = os.path.join(d, "config.json")
    if not os.path.exists(cfg_path) and args.snapshot != "none" and os.path.exists(args.snapshot):
        snapshot.restore(args.snapshot, d, log)
    if os.path.exists(cfg_path):
        import json
        cfg = json.load(open(cfg_path))
        if cfg["seed"] != args.seed:
            sys.exit(f"error: {d} was started with --seed {cfg['seed']}, not {args.seed}")
    else:
        cfg = dict(common.MODEL_CONFIG, seed=args.seed)
    log(f"start: dir {d}, seed {args.seed}, threads {args.threads}, vae {args.vae_steps} steps, "
        f"{args.images} images, diffusion {args.steps} steps")

    tdir = os.path.join(d, "tokenizer")
    if not os.path.exists(os.path.join(tdir, "vocab.json")):
        os.makedirs(tdir, exist_ok=True)
        merges = bpe.learn(captions.corpus_sample(args.seed, 20000))
        ids = bpe.write(merges, os.path.join(tdir, "vocab.json"), os.path.join(tdir, "merges.txt"))
        cfg["text_encoder"]["vocab_size"] = len(ids)
        log(f"vocab: {len(merges)} merges, {len(ids)} tokens")
    common.write_json(cfg, cfg_path)

    vae_final = os.path.join(d, "vae_final.pt")
    if not os.path.exists(vae_final):
        if not stage_vae.train(d, cfg, args.seed, args.vae_steps, stop, log, args.ckpt_minutes):
            return 0
        vae = vae_mod.AutoencoderKL(cfg["vae"])
        vae.load_state_dict(torch.load(os.path.join(d, "vae.pt"))["model"])
        std, k = stage_vae.fold_scale(vae, args.seed)
        common.save_atomic(vae.state_dict(), vae_final)
        log(f"vae: done; latent std was {std:.4f}, latent channels rescaled by {k:.4f} so that the "
            f"scaling factor {common.LATENT_SCALE} gives unit variance")
    vae = vae_mod.AutoencoderKL(cfg["vae"])
    vae.load_state_dict(torch.load(vae_final))
    vae.eval()
    if not stage_latents.encode_all(d, vae, args.seed, args.images, stop, log):
        return 0
    if stage_diffusion.train(d, cfg, args.seed, args.steps, args.images, stop, log, args.ckpt_minutes,
                             tuple(args.lr_decay) if args.lr_decay else None):
        log("diffusion: target reached; raise --steps and re-run to train further")
    return 0


if __name__ == "__main__":
    sys.exit(main())
