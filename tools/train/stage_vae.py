# Stage 1: train the AutoencoderKL on rendered scenes (64x64 crops first, full 128x128 images at
# the end), L1 + MSE reconstruction with a small KL term. Afterwards `fold_scale` rescales the latent
# space so that SD 1.x's scaling factor 0.18215 gives unit-variance latents.
import math
import os
import time

import numpy as np
import torch

import common
import shapes
import vae as vae_mod

B_CROP, B_FULL, CROP, LR = 8, 2, 64, 4e-4
FULL_FROM = 0.7  # share of the steps on 64x64 crops before full 128x128 images


def _batch(seed, step, full):
    b = B_FULL if full else B_CROP
    rng = np.random.default_rng([seed, 11, step])
    imgs, masks = [], []
    for j in range(b):
        im, m = shapes.render(shapes.sample_scene(seed + 100003, step * b + j), with_mask=True)
        if not full:
            y, x = rng.integers(0, shapes.SIZE - CROP + 1, 2)
            im, m = im[y:y + CROP, x:x + CROP], m[y:y + CROP, x:x + CROP]
        imgs.append(im)
        masks.append(m)
    x = torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    return x, torch.from_numpy(np.stack(masks))[:, None].float()


def train(d, cfg, seed, total, stop, log, ckpt_minutes):
    path = os.path.join(d, "vae.pt")
    torch.manual_seed(seed)
    model = vae_mod.AutoencoderKL(cfg["vae"])
    with torch.no_grad():
        # Start with a near-deterministic posterior (std ~0.02): with LDM's default init the
        # sampling noise (std 1) swamps the tiny initial means and the decoder learns nothing.
        model.quant_conv.bias[cfg["vae"]["embed_dim"]:] = -8.0
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=0.0)
    step = 0
    if os.path.exists(path):
        st = torch.load(path)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
        log(f"vae: resumed at step {step}")
    log(f"vae: {sum(p.numel() for p in model.parameters())} params, target {total} steps")
    timer = common.Timer(ckpt_minutes)
    t0, s0, acc = time.time(), step, []

    def save():
        common.save_atomic({"model": model.state_dict(), "opt": opt.state_dict(), "step": step}, path)

    while step < total:
        full = step >= int(FULL_FROM * total)
        x, cover = _batch(seed, step, full)
        # The first run weighted shapes 4x flat; its decoder drew small stars as discs until
        # stage_decoder.py fine-tuned it with this weighting.
        w = common.shape_weight(cover)
        for g in opt.param_groups:
            g["lr"] = common.cosine_lr(LR, step, total, 100)
        mean, logvar = model.moments(x)
        noise = torch.randn(mean.shape, generator=common.step_generator(seed, "vae", step))
        z = mean + torch.exp(0.5 * logvar) * noise
        rec = model.decode(z)
        l1 = ((rec - x).abs() * w).mean()
        mse = ((rec - x).pow(2) * w).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()
        loss = l1 + mse + 1e-6 * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        acc.append((l1.item(), mse.item(), kl.item()))
        if step % 50 == 0 or step == total:
            a = np.mean(acc, axis=0)
            dt = time.time() - t0
            log(f"vae step {step}/{total} l1 {a[0]:.4f} mse {a[1]:.5f} kl {a[2]:.1f} "
                f"psnr~{10 * math.log10(4 / max(a[1], 1e-9)):.1f}dB {(step - s0) / dt:.3f} it/s "
                f"({'128 full' if full else '64 crops'})")
            acc = []
        if common.checkpoint_due(timer, stop, save, log, "vae", step):
            return False
    save()
    return True


@torch.no_grad()
def fold_scale(model, seed, n=256):
    """Rescale the latent channels (quant_conv rows, post_quant_conv columns) so that
    std(sample latent) * LATENT_SCALE == 1; encode->decode is unchanged."""
    zs = []
    for i in range(0, n, 16):
        x = torch.from_numpy(np.stack([shapes.render(shapes.sample_scene(seed + 7, j)) for j in range(i, i + 16)]))
        x = x.permute(0, 3, 1, 2).float() / 127.5 - 1.0
        mean, logvar = model.moments(x)
        zs.append(mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=common.step_generator(seed, "fold", i)))
    std = torch.cat(zs).std().item()
    k = (1.0 / common.LATENT_SCALE) / std
    e = model.quant_conv.out_channels // 2
    model.quant_conv.weight[:e] *= k
    model.quant_conv.bias[:e] *= k
    model.quant_conv.bias[e:] += 2.0 * math.log(k)
    model.post_quant_conv.weight /= k
    return std, k
