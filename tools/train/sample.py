#!/usr/bin/python3
# Reference txt2img for an exported easel-shapes file, the way A1111 drives SD 1.x: CLIP context
# (empty negative prompt), k-diffusion discrete-sigma schedule, CFG denoiser, Euler a, CPU torch
# generator seeded with the seed (initial noise, then one draw per step), truncating uint8 decode.
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import bpe  # noqa: E402
import ldm_file  # noqa: E402
import png  # noqa: E402
import st_io  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))


class Pipeline:
    def __init__(self, folder):
        sd, meta = st_io.load(os.path.join(folder, "easel-shapes.safetensors"))
        self.cfg = json.loads(meta["easel.config"])
        self.models = ldm_file.build(self.cfg)
        ldm_file.load_into(self.models, {k: v.float() for k, v in sd.items()})
        for m in self.models.values():
            m.eval()
        self.tok = bpe.Tokenizer(os.path.join(folder, "tokenizer/vocab.json"),
                                 os.path.join(folder, "tokenizer/merges.txt"))
        s = self.cfg["schedule"]
        betas = torch.linspace(s["linear_start"] ** 0.5, s["linear_end"] ** 0.5, s["timesteps"],
                               dtype=torch.float64) ** 2
        ac = torch.cumprod(1 - betas, 0).float()
        self.log_sigmas = (((1 - ac) / ac) ** 0.5).log()
        self.scale = self.cfg["vae"]["scaling_factor"]

    def sigma(self, t):
        lo = t.floor().long().clamp(max=len(self.log_sigmas) - 1)
        hi = (lo + 1).clamp(max=len(self.log_sigmas) - 1)
        w = t - lo
        return ((1 - w) * self.log_sigmas[lo] + w * self.log_sigmas[hi]).exp()

    def t_of(self, sigma):
        ls = sigma.log()
        dists = ls - self.log_sigmas[:, None]
        lo = dists.ge(0).cumsum(0).argmax(0).clamp(max=len(self.log_sigmas) - 2)
        low, high = self.log_sigmas[lo], self.log_sigmas[lo + 1]
        w = ((low - ls) / (low - high)).clamp(0, 1)
        return (1 - w) * lo + w * (lo + 1)

    @torch.no_grad()
    def context(self, prompt):
        return self.models["text_encoder"](torch.tensor([self.tok(prompt)]))

    @torch.no_grad()
    def txt2img(self, prompt, seed, steps=20, cfg_scale=7.0, negative=""):
        n = len(self.log_sigmas)
        sig = torch.cat([self.sigma(torch.linspace(n - 1, 0, steps)), torch.zeros(1)])
        ctx = torch.cat([self.context(prompt), self.context(negative)])
        g = torch.Generator().manual_seed(int(seed))
        size = self.cfg["latent_size"]
        x = torch.randn((1, 4, size, size), generator=g) * sig[0]
        for i in range(steps):
            s, s2 = sig[i], sig[i + 1]
            xin = torch.cat([x, x]) / (s ** 2 + 1) ** 0.5
            t = self.t_of(s.reshape(1)).repeat(2)
            eps = self.models["unet"](xin, t, ctx)
            den = torch.cat([x, x]) - eps * s
            d = den[1:] + cfg_scale * (den[:1] - den[1:])
            up = min(s2, (s2 ** 2 * (s ** 2 - s2 ** 2) / s ** 2) ** 0.5)
            down = (s2 ** 2 - up ** 2) ** 0.5
            x = x + (x - d) / s * (down - s)
            if s2 > 0:
                x = x + torch.randn((1, 4, size, size), generator=g) * up
        img = self.models["vae"].decode(x / self.scale)
        img = torch.clamp((img + 1) / 2, 0, 1) * 255.0
        return img[0].permute(1, 2, 0).numpy().astype(np.uint8)


def main():
    p = argparse.ArgumentParser(description="txt2img with an exported easel-shapes model")
    p.add_argument("prompts", nargs="+")
    p.add_argument("--model", default=os.path.join(REPO, "models/easel-shapes"))
    p.add_argument("--seeds", default="1,2,3,4")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--cfg", type=float, default=7.0)
    p.add_argument("--out", default="/tmp/easel-shapes-samples.png")
    a = p.parse_args()
    torch.set_num_threads(2)
    pipe = Pipeline(a.model)
    seeds = [int(s) for s in a.seeds.split(",")]
    ims = [pipe.txt2img(pr, s, a.steps, a.cfg) for pr in a.prompts for s in seeds]
    png.write_png(a.out, png.grid(ims, len(seeds)))
    print(f"wrote {a.out}: rows = prompts, columns = seeds {seeds}")


if __name__ == "__main__":
    main()
