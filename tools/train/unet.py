# LDM openaimodel.UNetModel in its SD 1.x form (SpatialTransformer with conv proj_in/proj_out,
# GEGLU feed-forward, fixed head count), with the original module names so that state_dict keys
# equal the single-file names after `model.diffusion_model.`.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim, max_period=10000):
    """Sinusoidal embedding, [cos, sin] order, as LDM (float timesteps allowed)."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class GroupNorm32(nn.GroupNorm):
    def forward(self, x):
        return super().forward(x.float()).type(x.dtype)


def _norm(c, eps=1e-5):
    return GroupNorm32(32, c, eps=eps)


class ResBlock(nn.Module):
    def __init__(self, cin, emb, cout):
        super().__init__()
        self.in_layers = nn.Sequential(_norm(cin), nn.SiLU(), nn.Conv2d(cin, cout, 3, padding=1))
        self.emb_layers = nn.Sequential(nn.SiLU(), nn.Linear(emb, cout))
        self.out_layers = nn.Sequential(_norm(cout), nn.SiLU(), nn.Dropout(0.0),
                                        nn.Conv2d(cout, cout, 3, padding=1))
        self.skip_connection = nn.Identity() if cin == cout else nn.Conv2d(cin, cout, 1)

    def forward(self, x, emb):
        h = self.in_layers(x) + self.emb_layers(emb)[:, :, None, None]
        return self.skip_connection(x) + self.out_layers(h)


class CrossAttention(nn.Module):
    def __init__(self, qdim, cdim, heads, dhead):
        super().__init__()
        inner = heads * dhead
        self.heads, self.scale = heads, dhead ** -0.5
        self.to_q = nn.Linear(qdim, inner, bias=False)
        self.to_k = nn.Linear(cdim, inner, bias=False)
        self.to_v = nn.Linear(cdim, inner, bias=False)
        self.to_out = nn.Sequential(nn.Linear(inner, qdim), nn.Dropout(0.0))

    def forward(self, x, ctx=None):
        ctx = x if ctx is None else ctx
        b, n, _ = x.shape
        h = self.heads
        m = ctx.shape[1]
        # [b*h, tokens, d] so that one bmm covers all heads; q is pre-scaled (cheaper than scaling w).
        q = (self.to_q(x) * self.scale).reshape(b, n, h, -1).transpose(1, 2).reshape(b * h, n, -1)
        k = self.to_k(ctx).reshape(b, m, h, -1).transpose(1, 2).reshape(b * h, m, -1)
        v = self.to_v(ctx).reshape(b, m, h, -1).transpose(1, 2).reshape(b * h, m, -1)
        w = torch.softmax(torch.bmm(q, k.transpose(1, 2)), dim=-1)
        o = torch.bmm(w, v).reshape(b, h, n, -1).transpose(1, 2).reshape(b, n, -1)
        return self.to_out(o)


class GEGLU(nn.Module):
    def __init__(self, din, dout):
        super().__init__()
        self.proj = nn.Linear(din, dout * 2)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, dim=-1)
        return a * F.gelu(gate)


class FeedForward(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.net = nn.Sequential(GEGLU(dim, 4 * dim), nn.Dropout(0.0), nn.Linear(4 * dim, dim))

    def forward(self, x):
        return self.net(x)


class BasicTransformerBlock(nn.Module):
    def __init__(self, dim, heads, dhead, cdim, ln_eps):
        super().__init__()
        self.attn1 = CrossAttention(dim, dim, heads, dhead)
        self.ff = FeedForward(dim)
        self.attn2 = CrossAttention(dim, cdim, heads, dhead)
        self.norm1 = nn.LayerNorm(dim, eps=ln_eps)
        self.norm2 = nn.LayerNorm(dim, eps=ln_eps)
        self.norm3 = nn.LayerNorm(dim, eps=ln_eps)

    def forward(self, x, ctx):
        x = self.attn1(self.norm1(x)) + x
        x = self.attn2(self.norm2(x), ctx) + x
        return self.ff(self.norm3(x)) + x


class SpatialTransformer(nn.Module):
    def __init__(self, c, heads, cdim, depth, cfg):
        super().__init__()
        dhead = c // heads
        inner = heads * dhead
        self.norm = nn.GroupNorm(32, c, eps=cfg["spatial_transformer_groupnorm_eps"], affine=True)
        self.proj_in = nn.Conv2d(c, inner, 1)
        self.transformer_blocks = nn.ModuleList(
            [BasicTransformerBlock(inner, heads, dhead, cdim, cfg["layer_norm_eps"]) for _ in range(depth)])
        self.proj_out = nn.Conv2d(inner, c, 1)

    def forward(self, x, ctx):
        b, c, hh, ww = x.shape
        h = self.proj_in(self.norm(x))
        h = h.reshape(b, h.shape[1], hh * ww).transpose(1, 2)
        for blk in self.transformer_blocks:
            h = blk(h, ctx)
        h = h.transpose(1, 2).reshape(b, -1, hh, ww)
        return self.proj_out(h) + x


class Downsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.op = nn.Conv2d(c, c, 3, stride=2, padding=1)

    def forward(self, x):
        return self.op(x)


class Upsample(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2, mode="nearest"))


class Step(nn.Sequential):
    """TimestepEmbedSequential: routes emb to ResBlocks and context to transformers."""

    def forward(self, x, emb, ctx):
        for layer in self:
            if isinstance(layer, ResBlock):
                x = layer(x, emb)
            elif isinstance(layer, SpatialTransformer):
                x = layer(x, ctx)
            else:
                x = layer(x)
        return x


class UNetModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        mc, mult, nrb = cfg["model_channels"], cfg["channel_mult"], cfg["num_res_blocks"]
        heads, cdim, depth = cfg["num_heads"], cfg["context_dim"], cfg["transformer_depth"]
        attn_res = set(cfg["attention_resolutions"])
        ted = mc * 4
        self.model_channels = mc
        self.time_embed = nn.Sequential(nn.Linear(mc, ted), nn.SiLU(), nn.Linear(ted, ted))
        self.input_blocks = nn.ModuleList([Step(nn.Conv2d(cfg["in_channels"], mc, 3, padding=1))])
        chans = [mc]
        ch, ds = mc, 1
        for level, m in enumerate(mult):
            for _ in range(nrb):
                layers = [ResBlock(ch, ted, m * mc)]
                ch = m * mc
                if ds in attn_res:
                    layers.append(SpatialTransformer(ch, heads, cdim, depth, cfg))
                self.input_blocks.append(Step(*layers))
                chans.append(ch)
            if level != len(mult) - 1:
                self.input_blocks.append(Step(Downsample(ch)))
                chans.append(ch)
                ds *= 2
        self.middle_block = Step(ResBlock(ch, ted, ch), SpatialTransformer(ch, heads, cdim, depth, cfg),
                                 ResBlock(ch, ted, ch))
        self.output_blocks = nn.ModuleList()
        for level, m in list(enumerate(mult))[::-1]:
            for i in range(nrb + 1):
                layers = [ResBlock(ch + chans.pop(), ted, mc * m)]
                ch = mc * m
                if ds in attn_res:
                    layers.append(SpatialTransformer(ch, heads, cdim, depth, cfg))
                if level and i == nrb:
                    layers.append(Upsample(ch))
                    ds //= 2
                self.output_blocks.append(Step(*layers))
        self.out = nn.Sequential(_norm(ch), nn.SiLU(), nn.Conv2d(mc, cfg["out_channels"], 3, padding=1))

    def forward(self, x, t, ctx):
        emb = self.time_embed(timestep_embedding(t, self.model_channels))
        hs = []
        h = x
        for blk in self.input_blocks:
            h = blk(h, emb, ctx)
            hs.append(h)
        h = self.middle_block(h, emb, ctx)
        for blk in self.output_blocks:
            h = blk(torch.cat([h, hs.pop()], dim=1), emb, ctx)
        return self.out(h)
