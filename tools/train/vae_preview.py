#!/usr/bin/python3
# Reconstruction check of the VAE checkpoint in a training folder: originals (top row) vs
# encode->decode (bottom row) of held-aside scenes, with PSNR and max colour error.
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import png  # noqa: E402
import shapes  # noqa: E402
import vae as vae_mod  # noqa: E402


def main():
    p = argparse.ArgumentParser(description="VAE reconstruction preview")
    p.add_argument("--dir", default=os.environ.get("EASEL_TRAIN_DIR", "/work/train-ckpt"))
    p.add_argument("--n", type=int, default=8)
    p.add_argument("--out", default="/tmp/easel-shapes-vae.png")
    a = p.parse_args()
    torch.set_num_threads(1)
    cfg = json.load(open(os.path.join(a.dir, "config.json")))
    model = vae_mod.AutoencoderKL(cfg["vae"])
    final = os.path.join(a.dir, "vae_final.pt")
    sd = torch.load(final) if os.path.exists(final) else torch.load(os.path.join(a.dir, "vae.pt"))["model"]
    model.load_state_dict(sd)
    imgs = [shapes.render(shapes.sample_scene(cfg["seed"] + 999, i)) for i in range(a.n)]
    x = torch.from_numpy(np.stack(imgs)).permute(0, 3, 1, 2).float() / 127.5 - 1
    with torch.no_grad():
        mean, _ = model.moments(x)
        rec = model.decode(mean)
    out = (torch.clamp((rec + 1) / 2, 0, 1) * 255).permute(0, 2, 3, 1).numpy().astype(np.uint8)
    err = np.abs(out.astype(int) - np.stack(imgs).astype(int))
    mse = float(((out.astype(float) - np.stack(imgs)) ** 2).mean())
    print(f"PSNR {10 * np.log10(255 ** 2 / max(mse, 1e-9)):.2f} dB, mean |err| {err.mean():.2f}, "
          f"99th pct |err| {np.percentile(err, 99):.0f} levels")
    png.write_png(a.out, png.grid(imgs + list(out), a.n))
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
