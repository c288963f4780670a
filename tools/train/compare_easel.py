#!/usr/bin/python3
# Cross-check: the exported model painted by this folder's PyTorch reference (sample.py: A1111
# Euler a with the CPU generator) and by the easel CLI (`--rng cpu`), pixel by pixel. Shows that
# easel loads the exported file and runs tokenizer, text encoder, UNet, sampler and VAE as torch does.
#   /usr/bin/python3 tools/train/compare_easel.py [--easel build/easel] [--seeds 1,2,3]
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import png  # noqa: E402
import sample  # noqa: E402


def main():
    p = argparse.ArgumentParser(description="compare easel's output with the PyTorch reference")
    p.add_argument("--easel", default=os.path.join(sample.REPO, "build/easel"))
    p.add_argument("--model", default=os.path.join(sample.REPO, "models/easel-shapes"))
    p.add_argument("--prompt", default="a red circle on a blue background")
    p.add_argument("--seeds", default="1,2,3")
    a = p.parse_args()
    torch.set_num_threads(2)
    pipe = sample.Pipeline(a.model)
    worst = 0
    for seed in [int(s) for s in a.seeds.split(",")]:
        ref = pipe.txt2img(a.prompt, seed).astype(int)
        with tempfile.TemporaryDirectory() as d:
            out = subprocess.run([a.easel, "txt2img", "-m", os.path.join(a.model, "easel-shapes.safetensors"), "-p",
                                  a.prompt, "--sampler", "Euler a", "--steps", "20", "--cfg-scale", "7", "--seed",
                                  str(seed), "--rng", "cpu", "-q", "-o", d], check=True, capture_output=True, text=True)
            got = png.read_png(out.stdout.strip().splitlines()[-1]).astype(int)
        diff = np.abs(ref - got)
        worst = max(worst, int(diff.max()))
        print(f"seed {seed}: max |diff| {diff.max()}, values differing {np.count_nonzero(diff)}/{diff.size}")
    print(f"worst pixel difference {worst}")
    return 0 if worst <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
