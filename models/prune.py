"""Stage 4: structured pruning (attention heads, FFN channels, whole blocks) and healing.

Importance is the first-order Taylor estimate of the loss change when a unit is removed,
|sum(activation * gradient)|, measured on calibration batches and divided by the parameters
the unit owns, then ranked globally. Pruning runs in steps, each followed by a healing
fine-tune distilled from the dense model.

  python prune.py --dense ckpt/dense.pt --out ckpt/pruned.pt --remove 0.7 --steps 3 --heal-minutes 20
"""
import argparse, copy, json, sys, time
from dataclasses import asdict
from pathlib import Path
import torch
import torch.nn.functional as F
from model import ModelConfig, OndiLM, load_checkpoint, save_checkpoint
from train import Batches, autocast, bits_per_byte, evaluate

HERE = Path(__file__).parent


def importance(model: OndiLM, batches, n: int):
    """Per-layer tensors: head scores [n_heads], channel scores [ffn]."""
    heads = [torch.zeros(b.attn.h, device=model.embed.weight.device) if b.attn else None for b in model.blocks]
    chans = [torch.zeros(b.mlp.down.in_features, device=model.embed.weight.device) if b.mlp else None for b in model.blocks]
    model.train()
    for _ in range(n):
        x, y = batches()
        h, _ = model(x)
        acts = []
        for b in model.blocks:
            if b.attn: b.attn.head_out.retain_grad()
            if b.mlp: b.mlp.hidden.retain_grad()
        loss = F.cross_entropy(model.logits(h).view(-1, model.cfg.vocab_size), y.reshape(-1))
        model.zero_grad(set_to_none=True)
        loss.backward()
        for i, b in enumerate(model.blocks):
            if b.attn:
                a = b.attn.head_out  # [B, H, T, D]
                heads[i] += (a * a.grad).sum(dim=(2, 3)).abs().sum(0).detach()
            if b.mlp:
                m = b.mlp.hidden  # [B, T, F]
                chans[i] += (m * m.grad).sum(dim=1).abs().sum(0).detach()
    model.zero_grad(set_to_none=True)
    return heads, chans


def plan(model: OndiLM, heads, chans, remove_params: int):
    """Choose units to drop, cheapest loss per parameter first, until remove_params are gone."""
    d, hd = model.cfg.d_model, model.cfg.head_dim
    units = []
    for i, s in enumerate(heads):
        if s is not None:
            units += [(float(v) / (4 * d * hd), 4 * d * hd, "head", i, j) for j, v in enumerate(s)]
    for i, s in enumerate(chans):
        if s is not None:
            units += [(float(v) / (3 * d), 3 * d, "chan", i, j) for j, v in enumerate(s)]
    units.sort()
    drop, removed = set(), 0
    heads_left = [len(s) if s is not None else 0 for s in heads]
    for score, cost, kind, i, j in units:
        if removed >= remove_params:
            break
        if kind == "head":
            # first-order scores miss how heads cooperate; keep one per layer so context survives
            if heads_left[i] <= 1:
                continue
            heads_left[i] -= 1
        drop.add((kind, i, j))
        removed += cost
    return drop


def apply_plan(model: OndiLM, drop) -> OndiLM:
    cfg = copy.deepcopy(model.cfg)
    keep_h, keep_c = [], []
    for i, b in enumerate(model.blocks):
        keep_h.append([j for j in range(b.attn.h if b.attn else 0) if ("head", i, j) not in drop])
        keep_c.append([j for j in range(b.mlp.down.in_features if b.mlp else 0) if ("chan", i, j) not in drop])
    cfg.n_heads = [len(k) for k in keep_h]
    cfg.ffn = [len(k) for k in keep_c]
    new = OndiLM(cfg).to(model.embed.weight.device)
    with torch.no_grad():
        new.embed.weight.copy_(model.embed.weight)
        new.norm.weight.copy_(model.norm.weight)
        hd = cfg.head_dim
        for i, (b, nb) in enumerate(zip(model.blocks, new.blocks)):
            if nb.attn:
                rows = torch.cat([torch.arange(j * hd, (j + 1) * hd) for j in keep_h[i]]).to(b.attn.q.weight.device)
                for name in ("q", "k", "v"):
                    getattr(nb.attn, name).weight.copy_(getattr(b.attn, name).weight[rows])
                nb.attn.o.weight.copy_(b.attn.o.weight[:, rows])
                nb.norm1.weight.copy_(b.norm1.weight)
            if nb.mlp:
                c = torch.tensor(keep_c[i], device=b.mlp.up.weight.device)
                nb.mlp.gate.weight.copy_(b.mlp.gate.weight[c])
                nb.mlp.up.weight.copy_(b.mlp.up.weight[c])
                nb.mlp.down.weight.copy_(b.mlp.down.weight[:, c])
                nb.norm2.weight.copy_(b.norm2.weight)
    return new


def heal(student, teacher, batches, seconds, lr, alpha=0.5, temp=1.0):
    """Distil from the dense teacher (KL on logits) mixed with next-token loss."""
    device = student.embed.weight.device.type
    ctx = autocast(device)
    opt = torch.optim.AdamW(student.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.0)
    teacher.eval()
    t0, step = time.time(), 0
    while time.time() - t0 < seconds:
        x, y = batches()
        with ctx:
            with torch.no_grad():
                th, _ = teacher(x)
                tl = teacher.logits(th).float()
            sh, _ = student(x)
            sl = student.logits(sh).float()
            kl = F.kl_div(F.log_softmax(sl / temp, -1), F.log_softmax(tl / temp, -1), log_target=True,
                          reduction="batchmean") / x.shape[1]
            ce = F.cross_entropy(sl.view(-1, sl.shape[-1]), y.reshape(-1))
            loss = alpha * kl * temp * temp + (1 - alpha) * ce
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        for g in opt.param_groups:  # linear decay over the healing budget
            g["lr"] = lr * max(0.05, 1 - (time.time() - t0) / seconds)
        opt.step()
        step += 1
    return step


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--dense", default=str(HERE / "ckpt/dense.pt"))
    ap.add_argument("--out", default=str(HERE / "ckpt/pruned.pt"))
    ap.add_argument("--remove", type=float, default=0.7, help="share of non-embedding parameters to remove")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--heal-minutes", type=float, default=20)
    ap.add_argument("--calib", type=int, default=16)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    teacher, meta = load_checkpoint(a.dense, device)
    for p in teacher.parameters():
        p.requires_grad_(False)
    _, dense_non_emb = teacher.param_counts()
    train = Batches(Path(a.data) / "train.bin", a.seq, a.batch, device, seed=7)
    val = Batches(Path(a.data) / "val.bin", a.seq, a.batch, device, seed=1234)
    ctx = autocast(device)
    student = copy.deepcopy(teacher)
    for p in student.parameters():
        p.requires_grad_(True)
    history = [dict(stage="dense", non_emb=dense_non_emb, val_loss=evaluate(teacher, val, 20, ctx))]
    print(json.dumps(history[-1]), file=sys.stderr, flush=True)
    for s in range(1, a.steps + 1):
        target = dense_non_emb * (1 - a.remove * s / a.steps)
        _, cur = student.param_counts()
        heads, chans = importance(student, Batches(Path(a.data) / "train.bin", a.seq, a.batch, device, seed=s), a.calib)
        student = apply_plan(student, plan(student, heads, chans, int(cur - target)))
        _, now = student.param_counts()
        before = evaluate(student, val, 20, ctx)
        steps = heal(student, teacher, train, a.heal_minutes * 60 / a.steps, a.lr)
        rec = dict(stage=f"prune{s}", non_emb=now, kept=round(now / dense_non_emb, 3), val_before_heal=before,
                   val_loss=evaluate(student, val, 20, ctx), heal_steps=steps, n_heads=student.cfg.n_heads,
                   ffn=student.cfg.ffn)
        history.append(rec)
        print(json.dumps(rec), file=sys.stderr, flush=True)
    vl = history[-1]["val_loss"]
    save_checkpoint(student, a.out, parent=meta.get("tokens"), val_loss=vl, bpb=bits_per_byte(vl, a.data),
                    prune_history=history)


if __name__ == "__main__":
    main()
