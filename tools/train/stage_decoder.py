#!/usr/bin/python3
# Stage 4 (optional, independent of the diffusion stage): fine-tune the VAE *decoder* with the
# encoder frozen, as Stability's ft-MSE VAE did for SD. Why: the VAE stage saw only ~10k image
# equivalents, and its decoder turns small shapes into blobs: a small star comes back as a disc
# (fill 0.78, spread 1.01), a small yellow shape on black as orange. No diffusion model can draw
# sharper than its decoder. The latent space is untouched (encoder, quant_conv frozen), so the
# UNet trained on the cached latents stays valid and the stages can run at the same time.
#
# Data: the cached latents of stage 2 (posterior samples, exactly what the UNet learns to
# produce) and the scenes they came from, re-rendered as targets. Loss as the VAE stage, with
# shape pixels weighted 8x and scaled up (at most 4x) when an image's shape is smaller than the
# batch's mean, so small stars count nearly as much as large ones. Resumable; writes decoder.pt (checkpoint) and
# decoder_final.pt (post_quant_conv + decoder weights), which export.py uses when present.
#   /usr/bin/python3 tools/train/stage_decoder.py [--steps N]   (or bash tools/train/run.sh decoder)
import argparse
import json
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import common  # noqa: E402
import shapes  # noqa: E402
import stage_latents  # noqa: E402
import vae as vae_mod  # noqa: E402

BATCH, LR = 8, 3e-4  # the first 287 steps of the shipped run used 1e-4 (too slow: weighted L1 0.115 -> 0.111)


def decoder_params(model):
    return list(model.post_quant_conv.parameters()) + list(model.decoder.parameters())


DECODER_KEYS = ("decoder.", "post_quant_conv.")  # what this stage trains, as VAE state-dict prefixes


def decoder_state(model_or_state):
    sd = model_or_state if isinstance(model_or_state, dict) else model_or_state.state_dict()
    return {k: v for k, v in sd.items() if k.startswith(DECODER_KEYS)}


def train(d, seed, total, n_images, stop, log, ckpt_minutes):
    cfg = json.load(open(os.path.join(d, "config.json")))
    model = vae_mod.AutoencoderKL(cfg["vae"])
    model.load_state_dict(torch.load(os.path.join(d, "vae_final.pt")))
    for p in model.parameters():
        p.requires_grad_(False)
    params = decoder_params(model)
    for p in params:
        p.requires_grad_(True)
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.0)
    path = os.path.join(d, "decoder.pt")
    step = 0
    if os.path.exists(path):
        st = torch.load(path)
        model.load_state_dict(st["decoder"], strict=False)
        if st["opt"] is not None:  # None: restored from a snapshot (snapshot.py)
            opt.load_state_dict(st["opt"])
        step = st["step"]
        log(f"decoder: resumed at step {step}")
    means, stds, scenes = stage_latents.load_all(d, n_images)
    log(f"decoder: {sum(p.numel() for p in params)} params trained, {len(scenes)} cached latents, target {total} steps")

    def save():
        common.save_atomic({"decoder": decoder_state(model), "opt": opt.state_dict(), "step": step}, path)

    timer = common.Timer(ckpt_minutes)
    t0, s0, acc = time.time(), step, []
    while step < total:
        g = common.step_generator(seed, "decoder", step)
        rng = np.random.default_rng([seed, 31, step])
        idx = rng.integers(0, len(scenes), BATCH)
        ims, covers = zip(*[shapes.render(scenes[i], with_mask=True) for i in idx.tolist()])
        x = torch.from_numpy(np.stack(ims)).permute(0, 3, 1, 2).float() / 127.5 - 1.0
        cover = torch.from_numpy(np.stack(covers))[:, None].float()
        w = common.shape_weight(cover)
        t = torch.from_numpy(idx)
        z = means[t].float() + stds[t].float() * torch.randn(BATCH, 4, 16, 16, generator=g)
        for grp in opt.param_groups:
            grp["lr"] = common.cosine_lr(LR, step, total, 50)
        rec = model.decode(z)
        l1 = ((rec - x).abs() * w).mean()
        mse = ((rec - x).pow(2) * w).mean()
        loss = l1 + mse
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        acc.append((l1.item(), ((rec - x).pow(2)).mean().item()))
        if step % 25 == 0 or step == total:
            a = np.mean(acc, axis=0)
            log(f"decoder step {step}/{total} weighted l1 {a[0]:.4f} psnr {10 * math.log10(4 / max(a[1], 1e-9)):.1f}dB "
                f"{(step - s0) / (time.time() - t0):.3f} it/s")
            acc = []
        if common.checkpoint_due(timer, stop, save, log, "decoder", step):
            return False
    save()
    common.save_atomic(decoder_state(model), os.path.join(d, "decoder_final.pt"))
    log("decoder: done")
    return True


def main():
    p = argparse.ArgumentParser(description="fine-tune the easel-shapes VAE decoder (encoder frozen)")
    p.add_argument("--dir", default=os.environ.get("EASEL_TRAIN_DIR", "/work/train-ckpt"))
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--images", type=int, default=16000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--ckpt-minutes", type=float, default=5.0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    log = common.Log(os.path.join(a.dir, "decoder.log"))
    train(a.dir, a.seed, a.steps, a.images, common.StopFlag(), log, a.ckpt_minutes)


if __name__ == "__main__":
    main()
