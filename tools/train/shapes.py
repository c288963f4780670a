# Procedural captioned scenes for the easel-shapes model: one or two shapes in named colours, sizes
# and positions on named solid or patterned backgrounds, rendered anti-aliased (4x supersampled)
# at 128x128, every image and caption a pure function of (seed, index).
import numpy as np

SIZE = 128
SS = 4  # supersampling factor

COLOURS = {
    "red": (220, 30, 30), "green": (40, 170, 60), "blue": (40, 70, 220), "yellow": (245, 215, 40),
    "orange": (245, 135, 25), "purple": (135, 50, 180), "pink": (245, 140, 195), "cyan": (50, 210, 225),
    "white": (245, 245, 245), "black": (20, 20, 20), "brown": (125, 75, 35), "gray": (128, 128, 128),
}
SHAPES = ["circle", "square", "triangle", "star", "ring", "cross"]
PLURAL = {"circle": "circles", "square": "squares", "triangle": "triangles", "star": "stars",
          "ring": "rings", "cross": "crosses"}
# Position name -> centre as a fraction of the image (x, y); y grows downwards.
POSITIONS = {
    "centre": (0.5, 0.5), "left": (0.25, 0.5), "right": (0.75, 0.5), "top": (0.5, 0.25),
    "bottom": (0.5, 0.75), "top left": (0.25, 0.25), "top right": (0.75, 0.25),
    "bottom left": (0.25, 0.75), "bottom right": (0.75, 0.75),
}
RADIUS = {"small": 11.5, "large": 24.0}  # pixels at 128x128
PATTERNS = ["striped", "checkered"]

# Kept out of every training image; the evaluation set asks for them.
HELD_OUT_SHAPE_COLOUR = [("green", "star"), ("purple", "circle"), ("orange", "square"),
                         ("cyan", "triangle"), ("pink", "cross"), ("yellow", "ring")]
HELD_OUT_ON_BACKGROUND = [("red", "green"), ("blue", "yellow")]  # (shape colour, background colour)


def is_held_out(colour, shape, background):
    return (colour, shape) in HELD_OUT_SHAPE_COLOUR or (colour, background) in HELD_OUT_ON_BACKGROUND


def _rng(seed, index):
    return np.random.default_rng([int(seed), int(index)])


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def sample_scene(seed, index):
    """A scene as a JSON-able dict: background + list of shapes (never a held-out combination)."""
    rng = _rng(seed, index)
    names = list(COLOURS)
    if rng.random() < 0.15:
        a, b = rng.choice(len(names), 2, replace=False)
        bg = {"kind": _pick(rng, PATTERNS), "colours": [names[a], names[b]]}
    else:
        bg = {"kind": "solid", "colours": [_pick(rng, names)]}
    u = rng.random()
    kind = "single" if u < 0.6 else ("two_same" if u < 0.75 else "two_diff")
    for _ in range(100):
        shapes = _place(rng, kind)
        if kind == "two_same":
            shapes[1]["colour"], shapes[1]["shape"] = shapes[0]["colour"], shapes[0]["shape"]
        if all(s["colour"] not in bg["colours"] and
               not any(is_held_out(s["colour"], s["shape"], c) for c in bg["colours"]) for s in shapes):
            break
    return {"index": int(index), "layout": kind, "background": bg, "shapes": shapes}


def _shape(rng, size, pos, centre):
    return {"shape": _pick(rng, SHAPES), "colour": _pick(rng, list(COLOURS)), "size": size,
            "position": pos, "cx": float(centre[0]), "cy": float(centre[1]),
            "r": float(RADIUS[size] * rng.uniform(0.9, 1.1))}


def _jitter(rng, name, amount=4.0):
    fx, fy = POSITIONS[name]
    return fx * SIZE + rng.uniform(-amount, amount), fy * SIZE + rng.uniform(-amount, amount)


def _place(rng, kind):
    if kind == "single":
        pos = _pick(rng, list(POSITIONS))
        return [_shape(rng, _pick(rng, ["small", "large"]), pos, _jitter(rng, pos))]
    pairs = [("left", "right"), ("top", "bottom"), ("top left", "bottom right"), ("top right", "bottom left")]
    if kind == "two_same" and rng.random() < 0.6:
        # Two small shapes side by side inside one named region.
        pos = _pick(rng, list(POSITIONS))
        cx, cy = _jitter(rng, pos, 2.0)
        d = 14.0
        off = [(-d, 0), (d, 0)] if rng.random() < 0.5 else [(0, -d), (0, d)]
        return [_shape(rng, "small", pos, (cx + ox, cy + oy)) for ox, oy in off]
    p1, p2 = _pick(rng, pairs)
    if rng.random() < 0.5:
        p1, p2 = p2, p1
    size = _pick(rng, ["small", "large"])
    out = []
    for p in (p1, p2):
        s = size if kind == "two_same" else _pick(rng, ["small", "large"])
        out.append(_shape(rng, s, p, _jitter(rng, p)))
    return out


# ---- rendering -------------------------------------------------------------------------------

_N = SIZE * SS
_YY, _XX = np.meshgrid((np.arange(_N) + 0.5) / SS, (np.arange(_N) + 0.5) / SS, indexing="ij")


def _polygon_mask(x, y, pts):
    """Even-odd point-in-polygon test on pixel centres."""
    inside = np.zeros(x.shape, bool)
    n = len(pts)
    for i in range(n):
        (x1, y1), (x2, y2) = pts[i], pts[(i + 1) % n]
        cond = (y1 > y) != (y2 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
        inside ^= cond & (x < xi)
    return inside


def shape_mask(s, x, y):
    dx, dy, r = x - s["cx"], y - s["cy"], s["r"]
    k = s["shape"]
    if k == "circle":
        return dx * dx + dy * dy <= r * r
    if k == "ring":
        d2 = dx * dx + dy * dy
        return (d2 <= r * r) & (d2 >= (0.58 * r) ** 2)
    if k == "square":
        h = 0.85 * r
        return (np.abs(dx) <= h) & (np.abs(dy) <= h)
    if k == "cross":
        w, h = 0.32 * r, r
        return ((np.abs(dx) <= w) & (np.abs(dy) <= h)) | ((np.abs(dx) <= h) & (np.abs(dy) <= w))
    if k == "triangle":
        R = 1.15 * r
        pts = [(s["cx"] + R * np.sin(a), s["cy"] + 0.15 * r - R * np.cos(a)) for a in (0, 2.0944, 4.1888)]
        return _polygon_mask(x, y, pts)
    if k == "star":
        pts = []
        for i in range(10):
            rad = 1.2 * r if i % 2 == 0 else 0.5 * r
            a = i * np.pi / 5
            pts.append((s["cx"] + rad * np.sin(a), s["cy"] + 0.05 * r - rad * np.cos(a)))
        return _polygon_mask(x, y, pts)
    raise ValueError(f"unknown shape {k!r}")


def _background(bg):
    """Background at output resolution: patterns are aligned to whole pixels, so exact."""
    c = [np.array(COLOURS[n], np.float32) for n in bg["colours"]]
    img = np.empty((SIZE, SIZE, 3), np.float32)
    img[:] = c[0]
    if bg["kind"] != "solid":
        i = np.arange(SIZE)
        if bg["kind"] == "striped":
            sel = np.broadcast_to(((i // 8) % 2 == 1)[None, :], (SIZE, SIZE))
        else:
            sel = ((i[:, None] // 16) + (i[None, :] // 16)) % 2 == 1
        img[sel] = c[1]
    return img


def render(scene, with_mask=False):
    """Scene -> uint8 HWC [128,128,3] (and the float shape coverage [128,128] if with_mask);
    shapes are supersampled inside their bounding boxes only."""
    img = _background(scene["background"])
    cover = np.zeros((SIZE, SIZE), np.float32)
    for s in scene["shapes"]:
        r = s["r"] * 1.3 + 2
        y0, y1 = max(0, int(s["cy"] - r)), min(SIZE, int(s["cy"] + r) + 1)
        x0, x1 = max(0, int(s["cx"] - r)), min(SIZE, int(s["cx"] + r) + 1)
        hi = np.repeat(np.repeat(img[y0:y1, x0:x1], SS, axis=0), SS, axis=1)
        m = shape_mask(s, _XX[y0 * SS:y1 * SS, x0 * SS:x1 * SS], _YY[y0 * SS:y1 * SS, x0 * SS:x1 * SS])
        hi[m] = np.array(COLOURS[s["colour"]], np.float32)
        img[y0:y1, x0:x1] = hi.reshape(y1 - y0, SS, x1 - x0, SS, 3).mean(axis=(1, 3))
        cm = m.reshape(y1 - y0, SS, x1 - x0, SS).mean(axis=(1, 3))
        cover[y0:y1, x0:x1] = np.maximum(cover[y0:y1, x0:x1], cm)
    out = np.clip(np.rint(img), 0, 255).astype(np.uint8)
    return (out, cover) if with_mask else out
