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
ENCODE_CHUNK = 5


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
        for i in range(k * SHARD, (k + 1) * SHARD, 50):
            sc = [shapes.sample_scene(seed, j) for j in range(i, i + 50)]
            x = torch.from_numpy(np.stack([shapes.render(s) for s in sc])).permute(0, 3, 1, 2).float() / 127.5 - 1
            # Encoded ENCODE_CHUNK images at a time: the full-resolution activations of 50 images
            # are 224 MB each, and every such block was mapped fresh and zero-filled by the kernel
            # (about 100k page faults/s, 45 % system time, 3.7 img/s); 5 images stay under glibc's
            # 32 MB mmap threshold, so the heap reuses them.
            for c in range(0, len(x), ENCODE_CHUNK):
                mean, logvar = vae.moments(x[c:c + ENCODE_CHUNK])
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
