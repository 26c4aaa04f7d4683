"""Ondi's code model: a small Llama-style decoder (RMSNorm, RoPE, SwiGLU).

Heads and FFN widths are per layer so that structured pruning can shrink each layer
independently; a layer pruned to zero heads or zero channels simply skips that block.
"""
from dataclasses import asdict, dataclass, field
import math
import torch
import torch.nn as nn
import torch.nn.functional as F

CKPT_FORMAT = "ondi-checkpoint"
CKPT_VERSION = 1


@dataclass
class ModelConfig:
    vocab_size: int = 16384
    d_model: int = 384
    n_layer: int = 8
    head_dim: int = 64
    n_heads: list = field(default_factory=list)  # per layer; empty = d_model // head_dim each
    ffn: list = field(default_factory=list)      # per layer; empty = 8/3 d_model rounded to 64
    max_seq: int = 1024
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5

    def __post_init__(self):
        if not self.n_heads:
            self.n_heads = [self.d_model // self.head_dim] * self.n_layer
        if not self.ffn:
            self.ffn = [int(math.ceil(self.d_model * 8 / 3 / 64) * 64)] * self.n_layer


class RMSNorm(nn.Module):
    def __init__(self, d, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d))

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x) * self.weight


def rope(x, cos, sin):
    """x: [B, H, T, D]; cos/sin: [B, 1, T, D/2]. Rotates the two halves of each head."""
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, cfg: ModelConfig, n_heads: int):
        super().__init__()
        self.h, self.hd = n_heads, cfg.head_dim
        inner = n_heads * cfg.head_dim
        self.q = nn.Linear(cfg.d_model, inner, bias=False)
        self.k = nn.Linear(cfg.d_model, inner, bias=False)
        self.v = nn.Linear(cfg.d_model, inner, bias=False)
        self.o = nn.Linear(inner, cfg.d_model, bias=False)

    def forward(self, x, cos, sin, past=None, mask=None):
        B, T, _ = x.shape
        q = self.q(x).view(B, T, self.h, self.hd).transpose(1, 2)
        k = self.k(x).view(B, T, self.h, self.hd).transpose(1, 2)
        v = self.v(x).view(B, T, self.h, self.hd).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        if past is not None:
            k = torch.cat([past[0], k], dim=2)
            v = torch.cat([past[1], v], dim=2)
        if mask is None:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
        self.head_out = y  # kept for pruning importance (see prune.py)
        y = y.transpose(1, 2).reshape(B, T, self.h * self.hd)
        return self.o(y), (k, v)


class MLP(nn.Module):
    def __init__(self, cfg: ModelConfig, width: int):
        super().__init__()
        self.gate = nn.Linear(cfg.d_model, width, bias=False)
        self.up = nn.Linear(cfg.d_model, width, bias=False)
        self.down = nn.Linear(width, cfg.d_model, bias=False)

    def forward(self, x):
        h = F.silu(self.gate(x)) * self.up(x)
        self.hidden = h  # kept for pruning importance
        return self.down(h)


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig, i: int):
        super().__init__()
        self.attn = Attention(cfg, cfg.n_heads[i]) if cfg.n_heads[i] else None
        self.mlp = MLP(cfg, cfg.ffn[i]) if cfg.ffn[i] else None
        self.norm1 = RMSNorm(cfg.d_model, cfg.norm_eps) if self.attn else None
        self.norm2 = RMSNorm(cfg.d_model, cfg.norm_eps) if self.mlp else None

    def forward(self, x, cos, sin, past=None, mask=None):
        present = None
        if self.attn is not None:
            a, present = self.attn(self.norm1(x), cos, sin, past, mask)
            x = x + a
        if self.mlp is not None:
            x = x + self.mlp(self.norm2(x))
        return x, present


class OndiLM(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg, i) for i in range(cfg.n_layer))
        self.norm = RMSNorm(cfg.d_model, cfg.norm_eps)
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, cfg.head_dim, 2).float() / cfg.head_dim))
        self.register_buffer("inv_freq", inv, persistent=False)
        self.apply(self._init)
        for n, p in self.named_parameters():
            if n.endswith(("o.weight", "down.weight")):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)

    def rope_tables(self, pos):
        f = pos[:, None, :, None].float() * self.inv_freq  # [B,1,T,D/2]
        return f.cos(), f.sin()

    def forward(self, idx, pos=None, past=None, mask=None, x=None):
        """Returns (final hidden state after the last norm, list of present (k, v)).
        x: precomputed token embeddings (the export shares one weight matrix this way)."""
        B, T = idx.shape
        if pos is None:
            pos = torch.arange(T, device=idx.device).expand(B, T)
        cos, sin = self.rope_tables(pos)
        if x is None:
            x = self.embed(idx)
        presents = []
        for i, blk in enumerate(self.blocks):
            x, pr = blk(x, cos, sin, None if past is None else past[i], mask)
            presents.append(pr)
        return self.norm(x), presents

    def logits(self, h):
        return F.linear(h, self.embed.weight)  # tied output projection

    def loss(self, idx, targets):
        h, _ = self(idx)
        return F.cross_entropy(self.logits(h).float().view(-1, self.cfg.vocab_size), targets.reshape(-1))

    def param_counts(self):
        total = sum(p.numel() for p in self.parameters())
        emb = self.embed.weight.numel()
        return total, total - emb


def save_checkpoint(model: OndiLM, path, **meta):
    """Self-describing bf16 checkpoint, written atomically."""
    import os
    sd = {k: v.detach().to("cpu", torch.bfloat16) for k, v in model.state_dict().items()}
    obj = dict(format=CKPT_FORMAT, version=CKPT_VERSION, config=asdict(model.cfg), model=sd, **meta)
    tmp = f"{path}.tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, device="cpu"):
    obj = torch.load(path, map_location="cpu", weights_only=False)
    if obj.get("format") != CKPT_FORMAT or obj.get("version") != CKPT_VERSION:
        raise ValueError(f"{path}: not an Ondi checkpoint of version {CKPT_VERSION}")
    model = OndiLM(ModelConfig(**obj["config"]))
    model.load_state_dict({k: v.float() for k, v in obj["model"].items()})
    return model.to(device), obj
