# Caption templates for shapes.py scenes: the same scene gets a different phrasing (and may leave
# out size, position, colour or background) every time it is drawn, so the text encoder learns
# the attributes rather than one sentence pattern.
import numpy as np

import shapes

POSITION_PHRASES = {
    "centre": ["in the centre", "in the center", "in the middle"],
    "left": ["on the left", "at the left", "on the left side"],
    "right": ["on the right", "at the right", "on the right side"],
    "top": ["at the top", "at the top", "near the top"],
    "bottom": ["at the bottom", "at the bottom", "near the bottom"],
}
for _c in ["top left", "top right", "bottom left", "bottom right"]:
    POSITION_PHRASES[_c] = [f"in the {_c}", f"in the {_c} corner", f"at the {_c}"]


def _pick(rng, items):
    return items[int(rng.integers(len(items)))]


def background_phrase(rng, bg):
    c = bg["colours"]
    if bg["kind"] == "solid":
        return f"{c[0]} background"
    if rng.random() < 0.5:
        return f"{c[0]} and {c[1]} {bg['kind']} background"
    return f"{bg['kind']} {c[0]} and {c[1]} background"


def _article(words):
    return ("an " if words[0][0] in "aeiou" else "a ") + words


def shape_phrase(rng, s, count=1, drop=None):
    """'a small red circle' / 'two yellow stars'; drop = set of attributes to leave out."""
    drop = drop or set()
    words = []
    if "size" not in drop:
        words.append(s["size"])
    if "colour" not in drop:
        words.append(s["colour"])
    noun = "shape" if "shape" in drop else s["shape"]
    if count == 2:
        words.append("shapes" if noun == "shape" else shapes.PLURAL[noun])
        return "two " + " ".join(words)
    words.append(noun)
    return _article(" ".join(words))


def _drops(rng):
    d = set()
    for attr, p in (("size", 0.4), ("position", 0.25), ("background", 0.1), ("colour", 0.08), ("shape", 0.05)):
        if rng.random() < p:
            d.add(attr)
    if "colour" in d and "shape" in d:
        d.discard("shape")
    return d


def _tidy(text):
    text = " ".join(text.split()).replace(" ,", ",")
    while ", ," in text:
        text = text.replace(", ,", ",")
    return text.strip(" ,")


def caption(scene, rng):
    drop = _drops(rng)
    bg = "" if "background" in drop else background_phrase(rng, scene["background"])
    sh = scene["shapes"]
    if scene["layout"] == "single":
        s = sh[0]
        if rng.random() < 0.15:  # tag style, as people write A1111 prompts
            tags = [w for w in [s["colour"] if "colour" not in drop else "",
                                s["shape"] if "shape" not in drop else "shape",
                                s["size"] if "size" not in drop else "",
                                s["position"] if "position" not in drop else "", bg] if w]
            order = rng.permutation(len(tags) - 1) if len(tags) > 2 else range(len(tags) - 1)
            return _tidy(", ".join([tags[i] for i in order] + [tags[-1]]))
        S = shape_phrase(rng, s, 1, drop)
        P = "" if "position" in drop else _pick(rng, POSITION_PHRASES[s["position"]])
    elif scene["layout"] == "two_same":
        s = sh[0]
        S = shape_phrase(rng, s, 2, drop)
        if "position" in drop:
            P = ""
        elif sh[0]["position"] == sh[1]["position"]:
            P = _pick(rng, POSITION_PHRASES[s["position"]])
        else:
            P = " and ".join(_pick(rng, POSITION_PHRASES[x["position"]]) for x in sh)
    else:
        parts = []
        for s in sh:
            p = "" if "position" in drop else " " + _pick(rng, POSITION_PHRASES[s["position"]])
            parts.append(shape_phrase(rng, s, 1, drop - {"shape", "colour"}) + p)
        S, P = " and ".join(parts), ""
    if not bg:
        return _tidy(f"{S} {P}")
    t = int(rng.integers(5))
    if t == 0:
        return _tidy(f"{S} {P} on a {bg}")
    if t == 1:
        return _tidy(f"{S} {P}, {bg}")
    if t == 2:
        return _tidy(f"{bg} with {S} {P}")
    if t == 3:
        return _tidy(f"a picture of {S} {P} on a {bg}")
    return _tidy(f"{S} on a {bg}, {P}")


def short_caption(scene, rng, any_colour=False):
    """One or two of the scene's words, as negative prompts are written: 'red', 'star',
    'red star', 'blue background' (for two different shapes, words of either).
    With any_colour a lone colour word may also name a background colour: a user's negative
    prompt "blue" means no blue anywhere. Without it "blue" always named a shape, and since a
    shape never has its background's colour, the negative prompt "blue" pushed backgrounds
    towards blue (the blue share of "a circle" rose from 0.068 to 0.120 at step 9002)."""
    s = scene["shapes"][int(rng.integers(len(scene["shapes"])))]
    bg = scene["background"]
    options = [s["colour"], s["shape"], f"{s['colour']} {s['shape']}", f"{bg['colours'][0]} background"]
    if bg["kind"] != "solid":
        options.append(f"{bg['kind']} background")
    if any_colour:
        options.append(_pick(rng, bg["colours"]))
    return _pick(rng, options)


def corpus_sample(seed, n):
    """n captions of scenes seed/0..n-1, for learning the BPE vocabulary."""
    out = []
    for i in range(n):
        rng = np.random.default_rng([int(seed), int(i), 7])
        out.append(caption(shapes.sample_scene(seed, i), rng))
    return out
