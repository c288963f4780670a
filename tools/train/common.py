# Shared pieces of the easel-shapes trainer: the model configuration, the SD 1.x noise schedule,
# logging, atomic checkpoints and a stop flag set by SIGTERM/SIGINT (so a kill saves first).
import json
import math
import os
import signal
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

LATENT_SCALE = 0.18215  # the VAE is rescaled after training so that this SD 1.x value is right

MODEL_CONFIG = {
    "unet": {"in_channels": 4, "out_channels": 4, "model_channels": 64, "channel_mult": [1, 1, 2],
             "num_res_blocks": 2, "attention_resolutions": [2, 4], "num_heads": 8, "transformer_depth": 1,
             "context_dim": 192, "use_linear_in_transformer": False, "norm_num_groups": 32, "norm_eps": 1e-5,
             "spatial_transformer_groupnorm_eps": 1e-6, "layer_norm_eps": 1e-5, "ff": "GEGLU, inner dim 4*C",
             "timestep_embedding": "sinusoidal dim model_channels, [cos, sin], max_period 10000",
             "time_embed_dim": 256},
    "vae": {"ch": 32, "ch_mult": [2, 2, 2, 2], "num_res_blocks": 2, "z_channels": 4, "embed_dim": 4,
            "double_z": True, "attn_resolutions": [], "mid_attention": "single head", "norm_num_groups": 32,
            "norm_eps": 1e-6, "scaling_factor": LATENT_SCALE},
    "text_encoder": {"hidden_size": 192, "num_hidden_layers": 3, "num_attention_heads": 3,
                     "intermediate_size": 768, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
                     "vocab_size": None, "max_position_embeddings": 77},
    "schedule": {"linear_start": 0.00085, "linear_end": 0.012, "timesteps": 1000,
                 "beta_schedule": "scaled_linear (sqrt-linear)", "parameterization": "eps"},
    "image_size": 128,
}


def alphas_cumprod(cfg):
    s = cfg["schedule"]
    betas = torch.linspace(s["linear_start"] ** 0.5, s["linear_end"] ** 0.5, s["timesteps"],
                           dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).float()


def step_generator(*key):
    """A torch.Generator that depends only on the key (e.g. seed, stage, step): resumes exactly."""
    h = 1469598103934665603
    for k in key:
        for b in str(k).encode() + b"|":
            h = ((h ^ b) * 1099511628211) % (1 << 63)
    return torch.Generator().manual_seed(h)


class Log:
    def __init__(self, path):
        self.path = path

    def __call__(self, msg):
        line = time.strftime("%Y-%m-%d %H:%M:%S ") + msg
        print(line, flush=True)
        with open(self.path, "a") as f:
            f.write(line + "\n")


def save_atomic(obj, path):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def write_json(obj, path):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1)
    os.replace(tmp, path)


class StopFlag:
    """Set on SIGTERM/SIGINT; the training loops save a checkpoint and return when they see it."""

    def __init__(self):
        self.stop = False
        signal.signal(signal.SIGTERM, self._set)
        signal.signal(signal.SIGINT, self._set)

    def _set(self, *_):
        self.stop = True


class Timer:
    """Tells when the next periodic checkpoint is due."""

    def __init__(self, minutes):
        self.every = minutes * 60.0
        self.last = time.time()

    def due(self):
        if time.time() - self.last >= self.every:
            self.last = time.time()
            return True
        return False


def checkpoint_due(timer, stop, save, log, stage, step):
    """The training loops' periodic checkpoint: saves when the timer is due or a stop was asked
    for; returns True when the loop must stop (after saving)."""
    if timer.due() or stop.stop:
        save()
        log(f"{stage}: checkpoint at step {step}")
    return stop.stop


def shape_weight(cover):
    """Per-pixel loss weight of the VAE and decoder stages, cover [B,1,H,W] in [0,1]: shapes cover
    ~10% of the pixels but carry what the prompts ask for, so their pixels weigh 8x, scaled up per
    image (at most 4x) to the batch's mean shape area so that small shapes count nearly as much
    as large ones."""
    area = cover.mean(dim=(1, 2, 3), keepdim=True).clamp(min=1e-3)
    return 1.0 + 7.0 * cover * (cover.mean() / area).clamp(max=4.0)


def cosine_lr(base, step, total, warmup, floor=0.1):
    if step < warmup:
        return base * (step + 1) / warmup
    p = min(1.0, (step - warmup) / max(1, total - warmup))
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p)))
