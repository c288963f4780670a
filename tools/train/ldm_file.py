# Building the three networks from a config dict and mapping their state dicts to/from the LDM
# single-file key layout (prefixes model.diffusion_model. / first_stage_model. /
# cond_stage_model.transformer.).
import clip_text
import unet
import vae

PREFIX = {"unet": "model.diffusion_model.", "vae": "first_stage_model.",
          "text_encoder": "cond_stage_model.transformer."}


def build(cfg):
    return {"unet": unet.UNetModel(cfg["unet"]), "vae": vae.AutoencoderKL(cfg["vae"]),
            "text_encoder": clip_text.CLIPTextModel(cfg["text_encoder"])}


def split(sd):
    """Single-file state dict -> {component: state dict without prefix}."""
    out = {k: {} for k in PREFIX}
    for name, t in sd.items():
        for comp, p in PREFIX.items():
            if name.startswith(p):
                out[comp][name[len(p):]] = t
                break
    return out


def join(models):
    sd = {}
    for comp, m in models.items():
        for k, v in m.state_dict().items():
            sd[PREFIX[comp] + k] = v
    return sd


def load_into(models, sd):
    parts = split(sd)
    for comp, m in models.items():
        m.load_state_dict(parts[comp], strict=True)
