# The fixed evaluation set of the easel-shapes model (eval_set.json): single-shape prompts with
# seeds and the expected shape, colours and position, a share of them asking for combinations
# that never occur in training; plus the colour/position tables an analyser needs.
import json

import numpy as np

import shapes

TEMPLATES = [
    "a {size}{colour} {shape} {pos}, {bg} background",
    "a {size}{colour} {shape} {pos} on a {bg} background",
    "{bg} background with a {size}{colour} {shape} {pos}",
    "a {size}{colour} {shape} on a {bg} background, {pos}",
]
POS_WORDS = {"centre": "in the centre", "left": "on the left", "right": "on the right", "top": "at the top",
             "bottom": "at the bottom", "top left": "in the top left", "top right": "in the top right",
             "bottom left": "in the bottom left", "bottom right": "in the bottom right"}


def _entry(rng, i, colour, shape, bg, pos, held):
    size = ["small", "large", None][int(rng.integers(3))]
    t = TEMPLATES[i % len(TEMPLATES)]
    prompt = t.format(size=(size + " ") if size else "", colour=colour, shape=shape, pos=POS_WORDS[pos], bg=bg)
    if prompt.startswith("a a") or " a a" in prompt:  # "a a..." cannot happen with these words
        raise AssertionError(prompt)
    prompt = prompt.replace("a orange", "an orange")
    exp = {"shape": shape, "shape_colour": colour, "background_colour": bg, "position": pos}
    if size:
        exp["size"] = size
    return {"prompt": prompt, "seed": 1000 + i, "held_out": held, "expected": exp}


def build(n_regular=84, n_held=36, seed=2024):
    rng = np.random.default_rng(seed)
    names, pos_names = list(shapes.COLOURS), list(shapes.POSITIONS)
    entries = []
    while len(entries) < n_regular:
        colour, bg = rng.choice(names, 2, replace=False)
        shape = shapes.SHAPES[int(rng.integers(len(shapes.SHAPES)))]
        if shapes.is_held_out(colour, shape, bg):
            continue
        pos = pos_names[int(rng.integers(len(pos_names)))]
        entries.append(_entry(rng, len(entries), str(colour), shape, str(bg), pos, False))
    held = [(c, s, None) for c, s in shapes.HELD_OUT_SHAPE_COLOUR] + \
           [(c, None, b) for c, b in shapes.HELD_OUT_ON_BACKGROUND]
    k = 0
    while len(entries) < n_regular + n_held:
        colour, shape, bg = held[k % len(held)]
        k += 1
        shape = shape or shapes.SHAPES[int(rng.integers(len(shapes.SHAPES)))]
        while bg is None or bg == colour:
            bg = str(rng.choice(names))
        pos = pos_names[int(rng.integers(len(pos_names)))]
        entries.append(_entry(rng, len(entries), colour, shape, bg, pos, True))
    return {
        "what": "evaluation prompts of easel-shapes: render each with its seed (128x128, Euler a, 20 steps, "
                "CFG 7) and compare the picture with `expected`; held_out entries ask for combinations "
                "that never occur in the training data",
        "image_size": shapes.SIZE,
        "colours": {k: list(v) for k, v in shapes.COLOURS.items()},
        "positions": {k: [v[0], v[1]] for k, v in shapes.POSITIONS.items()},
        "position_note": "centre of each named position as a fraction of width/height, y downwards",
        "shapes": shapes.SHAPES,
        "sizes_radius_px": shapes.RADIUS,
        "held_out": {"shape_colour": [list(p) for p in shapes.HELD_OUT_SHAPE_COLOUR],
                     "shape_colour_on_background": [list(p) for p in shapes.HELD_OUT_ON_BACKGROUND]},
        "entries": entries,
    }


def write(path):
    with open(path, "w") as f:
        json.dump(build(), f, indent=1)
