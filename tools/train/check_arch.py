# Proves the torch modules here are the real SD 1.x networks: loads the tiny-sd15 oracle's LDM
# single file strictly and reproduces its UNet / VAE / text-encoder goldens, and checks the CLIP
# tokenizer implementation against the oracle's token ids (real CLIP vocabulary).
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import ldm_file  # noqa: E402
import st_io  # noqa: E402

ORACLE = os.environ.get("EASEL_ORACLE", os.path.join(os.path.dirname(__file__), "../../../shared/oracle"))
TINY = os.path.join(ORACLE, "tiny-sd15")


def rel(a, b):
    return ((a - b).abs().max() / b.abs().max()).item()


def config_from_hparams(hp):
    u, v, t = dict(hp["unet"]), dict(hp["vae"]), dict(hp["text_encoder"])
    u.update(in_channels=4, out_channels=4)
    return {"unet": u, "vae": v, "text_encoder": t}


def main():
    torch.set_num_threads(1)
    hp = json.load(open(os.path.join(TINY, "tiny-sd15.hparams.json")))
    models = ldm_file.build(config_from_hparams(hp))
    sd, _ = st_io.load(os.path.join(TINY, "tiny-sd15.safetensors"))
    ldm_file.load_into(models, sd)  # strict: names and shapes must match exactly
    print(f"loaded {len(sd)} tensors strictly")
    worst = 0.0
    with torch.no_grad():
        g, _ = st_io.load(os.path.join(TINY, "golden/unet.safetensors"))
        for case in ["t999", "t500", "t1", "t_mixed", "t_float"]:
            eps = models["unet"](g["sample"], g[case + ".timesteps"], g["context"])
            r = rel(eps, g[case + ".eps"])
            worst = max(worst, r)
            print(f"unet {case:8s} rel {r:.2e}")
        eps = models["unet"](g["cfg.sample"], g["cfg.timesteps"], g["cfg.context"])
        guided = eps[1:] + 7.0 * (eps[:1] - eps[1:])
        r = rel(guided, g["cfg.guided_eps"])
        worst = max(worst, r)
        print(f"unet cfg      rel {r:.2e}")

        g, _ = st_io.load(os.path.join(TINY, "golden/vae.safetensors"))
        img = models["vae"].decode(g["decode.latent_unscaled"])
        r = rel(img, g["decode.image"])
        worst = max(worst, r)
        print(f"vae decode    rel {r:.2e}")
        mean, logvar = models["vae"].moments(g["encode.image"])
        r = rel(torch.cat([mean, logvar], 1), g["encode.moments"])
        worst = max(worst, r)
        print(f"vae encode    rel {r:.2e}")

        g, _ = st_io.load(os.path.join(TINY, "golden/text_encoder.safetensors"))
        te = json.load(open(os.path.join(TINY, "golden/text_encoder.json")))
        tok = bpe.Tokenizer(os.path.join(TINY, "model/tokenizer/vocab.json"),
                            os.path.join(TINY, "model/tokenizer/merges.txt"))
        tok_ok = 0
        for p in te["prompts"]:
            i = p["index"]
            ids = g[f"p{i}.input_ids"].long()
            tok_ok += int(tok(p["prompt"]) == ids[0].tolist())
            last, hidden = models["text_encoder"].text_model(ids)
            r = rel(last, g[f"p{i}.last_hidden_state"])
            pen = models["text_encoder"].text_model.final_layer_norm(hidden[-2])
            r = max(r, rel(pen, g[f"p{i}.penultimate_normed"]))
            for k, h in enumerate(hidden):
                r = max(r, rel(h, g[f"p{i}.hidden_states.{k}"]))
            worst = max(worst, r)
            print(f"text p{i}       rel {r:.2e}")
        print(f"tokenizer: {tok_ok}/{len(te['prompts'])} prompts give the oracle's ids")
    ok = worst < 1e-4 and tok_ok == len(te["prompts"])
    print(f"worst rel {worst:.2e} -> {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
