# CLIP-format byte-level BPE: learning merges from a caption corpus, writing vocab.json/merges.txt
# in the layout of openai/CLIP's tokenizer, and the CLIP tokenizer algorithm itself (lower-case,
# CLIP regex split, BPE with `</w>` word ends, BOS/EOS, pad with EOS to 77).
import collections
import html
import json
import re

BOS, EOS = "<|startoftext|>", "<|endoftext|>"

# CLIP's pattern with \p{L} / \p{N} expressed for Python's `re` ([^\W\d_] = letters).
_PAT = re.compile(r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+""",
                  re.IGNORECASE)


def bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


_B2U = bytes_to_unicode()


def clean(text):
    text = html.unescape(html.unescape(text)).strip()
    return re.sub(r"\s+", " ", text).strip().lower()


def pre_tokens(text):
    """Text -> list of byte-level-unicode words (before BPE)."""
    return ["".join(_B2U[b] for b in t.encode("utf-8")) for t in _PAT.findall(clean(text))]


def learn(corpus, max_merges=2000, min_freq=2):
    """Greedy BPE on word counts; returns the merge list (pairs) in rank order."""
    words = collections.Counter()
    for line in corpus:
        for t in pre_tokens(line):
            words[tuple(t[:-1]) + (t[-1] + "</w>",)] += 1
    words = {w: c for w, c in words.items()}
    merges = []
    while len(merges) < max_merges:
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        # Highest count, ties broken by the pair itself so the result is deterministic.
        best, cnt = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        if cnt < min_freq:
            break
        merges.append(best)
        merged = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return merges


def write(merges, vocab_path, merges_path):
    """CLIP layout: 256 byte chars, the same with </w>, one entry per merge, then BOS, EOS."""
    vocab = list(_B2U.values())
    vocab += [v + "</w>" for v in vocab]
    vocab += ["".join(m) for m in merges]
    vocab += [BOS, EOS]
    ids = {}
    for v in vocab:
        if v in ids:
            raise ValueError(f"duplicate vocabulary entry {v!r}")
        ids[v] = len(ids)
    with open(vocab_path, "w", encoding="utf-8") as f:
        json.dump(ids, f, ensure_ascii=False)
    with open(merges_path, "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for a, b in merges:
            f.write(f"{a} {b}\n")
    return ids


class Tokenizer:
    def __init__(self, vocab_path, merges_path, length=77):
        with open(vocab_path, encoding="utf-8") as f:
            self.encoder = json.load(f)
        with open(merges_path, encoding="utf-8") as f:
            lines = f.read().split("\n")[1:]
        self.ranks = {tuple(l.split()): i for i, l in enumerate(lines) if l.strip()}
        self.bos, self.eos = self.encoder[BOS], self.encoder[EOS]
        self.length = length
        self.cache = {}

    def bpe(self, token):
        if token in self.cache:
            return self.cache[token]
        word = tuple(token[:-1]) + (token[-1] + "</w>",)
        while len(word) > 1:
            pairs = set(zip(word, word[1:]))
            best = min(pairs, key=lambda p: self.ranks.get(p, float("inf")))
            if best not in self.ranks:
                break
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(word[i] + word[i + 1])
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            word = tuple(out)
        self.cache[token] = word
        return word

    def encode(self, text):
        return [self.encoder[p] for t in pre_tokens(text) for p in self.bpe(t)]

    def __call__(self, text):
        """[BOS] + ids (at most length-2) + [EOS], padded with EOS to `length`."""
        ids = [self.bos] + self.encode(text)[: self.length - 2] + [self.eos]
        return ids + [self.eos] * (self.length - len(ids))
