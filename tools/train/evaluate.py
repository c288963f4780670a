#!/usr/bin/python3
# Scores an exported easel-shapes model on eval_set.json with the Python pipeline (sample.py):
# background colour from the image border, shape mask = pixels far from it, shape colour from the
# mask, position from its centroid, shape kind by best IoU against the rendered templates.
# A quick progress measure during training; the C++ analyser in the tests is the reference.
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import png  # noqa: E402
import sample  # noqa: E402
import shapes  # noqa: E402


def nearest(rgb, table):
    names = list(table)
    d = [np.sum((np.asarray(rgb, float) - np.asarray(table[n], float)) ** 2) for n in names]
    return names[int(np.argmin(d))]


def analyse(img, table):
    img = img.astype(np.float32)
    border = np.concatenate([img[:3].reshape(-1, 3), img[-3:].reshape(-1, 3),
                             img[:, :3].reshape(-1, 3), img[:, -3:].reshape(-1, 3)])
    bg_rgb = np.median(border, axis=0)
    bg = nearest(bg_rgb, table)
    mask = np.sqrt(((img - np.asarray(table[bg], np.float32)) ** 2).sum(-1)) > 60
    out = {"background_colour": bg}
    if mask.sum() < 20:
        return out
    out["shape_colour"] = nearest(np.median(img[mask], axis=0), table)
    ys, xs = np.nonzero(mask)
    cx, cy = xs.mean() / img.shape[1], ys.mean() / img.shape[0]
    out["position"] = min(shapes.POSITIONS, key=lambda p: (shapes.POSITIONS[p][0] - cx) ** 2 +
                          (shapes.POSITIONS[p][1] - cy) ** 2)
    out["shape"] = _kind(mask, xs, ys)
    return out


def _kind(mask, xs, ys):
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    yy, xx = np.mgrid[0:mask.shape[0], 0:mask.shape[1]] + 0.5
    best, best_iou = None, -1.0
    for k in shapes.SHAPES:
        # Fit r to the bounding-box width, then align the template's bbox centre with the mask's.
        tm = shapes.shape_mask({"shape": k, "cx": 64.0, "cy": 64.0, "r": 20.0}, xx, yy)
        ty, tx = np.nonzero(tm)
        r = 20.0 * (x1 - x0) / max(1, tx.max() + 1 - tx.min())
        tm = shapes.shape_mask({"shape": k, "cx": 64.0, "cy": 64.0, "r": r}, xx, yy)
        ty, tx = np.nonzero(tm)
        if len(tx) == 0:
            continue
        dx = (x0 + x1) / 2 - (tx.min() + tx.max() + 1) / 2
        dy = (y0 + y1) / 2 - (ty.min() + ty.max() + 1) / 2
        tm = shapes.shape_mask({"shape": k, "cx": 64.0 + dx, "cy": 64.0 + dy, "r": r}, xx, yy)
        iou = (tm & mask).sum() / max(1, (tm | mask).sum())
        if iou > best_iou:
            best, best_iou = k, iou
    return best


def main():
    p = argparse.ArgumentParser(description="score an exported easel-shapes model on its eval set")
    p.add_argument("--model", default=os.path.join(sample.REPO, "models/easel-shapes"))
    p.add_argument("--limit", type=int, default=0, help="only the first N regular and N held-out entries")
    p.add_argument("--grid", default="/tmp/easel-shapes-eval.png")
    a = p.parse_args()
    torch.set_num_threads(2)
    ev = json.load(open(os.path.join(a.model, "eval_set.json")))
    pipe = sample.Pipeline(a.model)
    entries = ev["entries"]
    if a.limit:
        entries = [e for e in entries if not e["held_out"]][:a.limit] + [e for e in entries if e["held_out"]][:a.limit]
    keys = ["shape_colour", "background_colour", "shape", "position"]
    score = {h: {k: 0 for k in keys} for h in (False, True)}
    count = {False: 0, True: 0}
    ims = []
    for e in entries:
        img = pipe.txt2img(e["prompt"], e["seed"])
        ims.append(img)
        got = analyse(img, ev["colours"])
        count[e["held_out"]] += 1
        for k in keys:
            score[e["held_out"]][k] += int(got.get(k) == e["expected"][k])
    for h in (False, True):
        if count[h]:
            print(("held-out" if h else "regular ") + f" n={count[h]}: " +
                  ", ".join(f"{k} {100.0 * score[h][k] / count[h]:.0f}%" for k in keys))
    png.write_png(a.grid, png.grid(ims, 12))
    print(f"images: {a.grid}")


if __name__ == "__main__":
    main()
