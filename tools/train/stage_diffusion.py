# Stage 3: train the CLIP text encoder and the UNet together (as a from-scratch LDM) on the cached
# latents: eps objective on the SD 1.x schedule, min-SNR(5) weighting, 10% caption dropout (empty
# prompt) for CFG, EMA weights for export. Every random draw is keyed by (seed, step): resumes exactly.
#
# Offset noise (from OFFSET_FROM_STEP on): each image's noise gets an extra per-channel constant
# drawn with std OFFSET_NOISE. Why: on a 16x16 latent the mean of plain noise has std 1/16, so even at
# t=999 (sqrt(alpha_bar)=0.068) the noisy latent's per-channel mean still carries about half of the
# image's mean colour. Our scenes are mostly one background colour, so the UNet learned to read the
# background colour from the noise's mean instead of from the prompt: at sampling time the seed's
# noise mean then decided the background (measured at step 9603: "black background" painted green
# with the mean zeroed, blue with another seed's mean). With the offset the mean is uninformative
# down to sigma ~3, so only the text can tell the colour. The first run trained 10172 steps without
# it (the constant records that, so resumes stay exact); sampling still uses plain noise, as A1111.
#
# From OFFSET_RAMP_FROM_STEP on the offset only applies where the leak is: its std ramps from 0 at
# t=OFFSET_RAMP[0] (sigma 1.16) to OFFSET_NOISE at t=OFFSET_RAMP[1] (sigma 5.1). With a constant
# offset at every t the model also learned to distrust the colours of a nearly clean latent, and
# img2img at strength 0.2 (sigma 0.6) repainted a red square green (measured at step 12086).
#
# Low-noise caption swap (from SWAP_FROM_STEP on): for t < SWAP_T, SWAP_P of the captions are
# replaced by the caption of another random scene. Why: our captions name every colour, so for
# a nearly clean latent the UNet could take the colour from the text or from the latent alike;
# once it learned to follow colour words (offset noise), a prompt that contradicts the picture
# moved it even at sigma 0.6, and CFG 7 multiplies that: img2img at strength 0.2 turned a red
# square green in 20 of 20 seeds at step 14487, with the ramp in place (CFG 1 kept it red). In
# SD the text cannot predict a photo's exact colours, so near the end of sampling the picture
# decides; the swap teaches the same: at low noise the text may be wrong, the latent is not.

import copy
import os
import time

import numpy as np
import torch

import bpe
import captions
import clip_text
import common
import stage_latents
import unet as unet_mod

BATCH, LR, WARMUP, EMA, DROPOUT, SNR_GAMMA = 32, 4e-4, 500, 0.999, 0.1, 5.0
# The first run (lost with its checkpoints before it shipped) switched these on at steps 10172,
# 12462 and 15001 as the problems showed; the second run has them from the start.
OFFSET_NOISE, OFFSET_FROM_STEP = 0.3, 0
OFFSET_RAMP, OFFSET_RAMP_FROM_STEP = (400, 800), 0
SWAP_T, SWAP_P, SWAP_FROM_STEP = 300, 0.5, 0
# Short captions: one or two of the scene's words ("red", "star", "red star", "blue background").
# Negative prompts are such lists; with only sentences in training, the first run answered the
# lone word "red" as it answered the empty prompt, so the negative prompt "red" did nothing.
SHORT_P = 0.05
# From this step on (session 6 of the shipped run): 10 % short captions, and a lone colour word may
# name the background's colour too (captions.short_caption any_colour). At step 9002 the negative
# prompt "blue" on "a circle" removed blue shapes but turned backgrounds blue, and the negative "red"
# on "a red circle on a white background" failed to lower red.
SHORT_P2, SHORT2_FROM_STEP = 0.10, 9002
# LR decay at the end of a run (train.py --lr-decay FROM TO): cosine from LR at step FROM down to
# LR_FLOOR * LR at step TO, constant after. Kept in diffusion.pt (and the snapshot), so a plain
# resume goes on with the same schedule; None = constant LR.
LR_FLOOR = 0.1


def lr_factor(step, warm_from, decay):
    f = min(1.0, (step - warm_from + 1) / WARMUP)
    if decay is not None:
        a, b = decay
        x = min(1.0, max(0.0, (step - a) / max(1, b - a)))
        f *= LR_FLOOR + (1 - LR_FLOOR) * 0.5 * (1 + np.cos(np.pi * x))
    return f


def build(cfg, seed):
    torch.manual_seed(seed + 1)
    return unet_mod.UNetModel(cfg["unet"]), clip_text.CLIPTextModel(cfg["text_encoder"])


@torch.no_grad()
def ema_update(ema, model, n):
    decay = min(EMA, (1 + n) / (10 + n))
    for pe, p in zip(ema.parameters(), model.parameters()):
        pe.mul_(decay).add_(p.detach(), alpha=1 - decay)


def train(d, cfg, seed, total, n_images, stop, log, ckpt_minutes, lr_decay=None):
    path = os.path.join(d, "diffusion.pt")
    tok = bpe.Tokenizer(os.path.join(d, "tokenizer/vocab.json"), os.path.join(d, "tokenizer/merges.txt"))
    unet, te = build(cfg, seed)
    ema_u, ema_t = copy.deepcopy(unet), copy.deepcopy(te)
    params = list(unet.parameters()) + list(te.parameters())
    opt = torch.optim.AdamW(params, lr=LR, weight_decay=0.01)
    step = warm_from = 0
    if os.path.exists(path):
        st = torch.load(path)
        unet.load_state_dict(st["unet"])
        te.load_state_dict(st["text_encoder"])
        ema_u.load_state_dict(st["ema_unet"])
        ema_t.load_state_dict(st["ema_text_encoder"])
        step = warm_from = st["step"]
        if st["opt"] is not None:
            opt.load_state_dict(st["opt"])
            warm_from = st.get("warm_from", 0)
        if lr_decay is None and st.get("lr_decay") is not None:
            lr_decay = tuple(st["lr_decay"])
        log(f"diffusion: resumed at step {step}" + ("" if st["opt"] is not None else
            " from a snapshot (fresh optimiser: LR warm-up again)"))
    if lr_decay is not None:
        log(f"diffusion: LR decays (cosine) from step {lr_decay[0]} to {LR_FLOOR} x at step {lr_decay[1]}")
    means, stds, scenes = stage_latents.load_all(d, n_images)
    ac = common.alphas_cumprod(cfg)
    snr = ac / (1 - ac)
    weight = torch.clamp(snr, max=SNR_GAMMA) / snr
    log(f"diffusion: unet {sum(p.numel() for p in unet.parameters())} + text "
        f"{sum(p.numel() for p in te.parameters())} params, {len(scenes)} cached images, target {total} steps")

    def save():
        common.save_atomic({"unet": unet.state_dict(), "text_encoder": te.state_dict(),
                            "ema_unet": ema_u.state_dict(), "ema_text_encoder": ema_t.state_dict(),
                            "opt": opt.state_dict(), "step": step, "warm_from": warm_from,
                            "lr_decay": lr_decay}, path)

    timer = common.Timer(ckpt_minutes)
    t0, s0, acc = time.time(), step, []
    while step < total:
        g = common.step_generator(seed, "diffusion", step)
        rng = np.random.default_rng([seed, 23, step])
        idx = torch.from_numpy(rng.integers(0, len(scenes), BATCH))
        short2 = step >= SHORT2_FROM_STEP
        texts = ["" if rng.random() < DROPOUT else
                 captions.short_caption(scenes[i], rng, any_colour=short2)
                 if rng.random() < (SHORT_P2 if short2 else SHORT_P) else
                 captions.caption(scenes[i], rng) for i in idx.tolist()]
        z0 = (means[idx].float() + stds[idx].float() * torch.randn(BATCH, 4, 16, 16, generator=g)) \
            * common.LATENT_SCALE
        t = torch.randint(0, ac.shape[0], (BATCH,), generator=g)
        if step >= SWAP_FROM_STEP:
            for k in range(BATCH):
                if texts[k] and int(t[k]) < SWAP_T and rng.random() < SWAP_P:
                    texts[k] = captions.caption(scenes[int(rng.integers(len(scenes)))], rng)
        ids = torch.tensor([tok(x) for x in texts])
        noise = torch.randn(z0.shape, generator=g)
        if step >= OFFSET_FROM_STEP:
            offset = OFFSET_NOISE * torch.randn(BATCH, 4, 1, 1, generator=g)
            if step >= OFFSET_RAMP_FROM_STEP:
                lo, hi = OFFSET_RAMP
                offset = offset * ((t.float() - lo) / (hi - lo)).clamp(0, 1).view(-1, 1, 1, 1)
            noise = noise + offset
        a = ac[t].view(-1, 1, 1, 1)
        xt = a.sqrt() * z0 + (1 - a).sqrt() * noise
        for grp in opt.param_groups:
            grp["lr"] = LR * lr_factor(step, warm_from, lr_decay)
        eps = unet(xt, t, te(ids))
        per = (eps - noise).pow(2).mean(dim=(1, 2, 3))
        loss = (per * weight[t]).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        ema_update(ema_u, unet, step)
        ema_update(ema_t, te, step)
        acc.append((per.mean().item(), loss.item()))
        if step % 25 == 0 or step == total:
            m = np.mean(acc, axis=0)
            rate = (step - s0) / (time.time() - t0)
            log(f"diffusion step {step}/{total} mse {m[0]:.4f} weighted {m[1]:.4f} {rate:.3f} it/s "
                f"({rate * BATCH:.1f} img/s)")
            acc = []
        if common.checkpoint_due(timer, stop, save, log, "diffusion", step):
            return False
    save()
    return True
