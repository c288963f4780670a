# Stage 2: render the training scenes once and cache their VAE posteriors (mean, std as fp16) in
# shards of 1000, with the scene descriptions, so the diffusion stage never runs the encoder.
import json
import os
import time

import numpy as np
import torch

import common
import shapes

SHARD = 1000
ENCODE_CHUNK = 5  # divides SHARD


def shard_path(d, k):
    return os.path.join(d, "latents", f"shard_{k:04d}.pt")


@torch.no_grad()
def encode_all(d, vae, seed, n_images, stop, log):
    os.makedirs(os.path.join(d, "latents"), exist_ok=True)
    n_shards = (n_images + SHARD - 1) // SHARD
    t0, done = time.time(), 0
    for k in range(n_shards):
        if os.path.exists(shard_path(d, k)):
            continue
        if stop.stop:
            return False
        scenes, means, stds = [], [], []
        # ENCODE_CHUNK images at a time: the encoder's full-resolution activations for 50 images
        # were 224 MB blocks that the kernel mapped and zero-filled afresh on every call (about
        # 100k page faults/s, 45 % system time). Smaller chunks plus huge pages (run.sh's
        # GLIBC_TUNABLES) took encoding from 3.7 to 33 img/s; chunks alone still faulted 72k/s.
        for i in range(k * SHARD, (k + 1) * SHARD, ENCODE_CHUNK):
            sc = [shapes.sample_scene(seed, j) for j in range(i, i + ENCODE_CHUNK)]
            x = torch.from_numpy(np.stack([shapes.render(s) for s in sc])).permute(0, 3, 1, 2).float() / 127.5 - 1
            mean, logvar = vae.moments(x)
            means.append(mean.half())
            stds.append(torch.exp(0.5 * logvar).half())
            scenes += sc
        common.save_atomic({"mean": torch.cat(means), "std": torch.cat(stds), "scenes": json.dumps(scenes)},
                           shard_path(d, k))
        done += SHARD
        log(f"latents: shard {k + 1}/{n_shards} ({done / (time.time() - t0):.1f} img/s)")
    return True


def load_all(d, n_images):
    means, stds, scenes = [], [], []
    for k in range((n_images + SHARD - 1) // SHARD):
        st = torch.load(shard_path(d, k))
        means.append(st["mean"])
        stds.append(st["std"])
        scenes += json.loads(st["scenes"])
    return torch.cat(means)[:n_images], torch.cat(stds)[:n_images], scenes[:n_images]
