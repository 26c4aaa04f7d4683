"""Stage 3: train (or keep training) the dense model. Resumable, time-boxed, CPU or CUDA, bf16.

  python train.py --out ckpt/dense.pt [--init ckpt/dense.pt] --minutes 60
Saves a bf16 checkpoint whenever held-out loss improves.
"""
import argparse, contextlib, json, math, os, sys, time
from dataclasses import asdict
from pathlib import Path
import numpy as np
import torch
from model import ModelConfig, OndiLM, load_checkpoint, save_checkpoint

HERE = Path(__file__).parent


class Batches:
    """Random windows of a uint16 token file."""
    def __init__(self, path, seq, batch, device, seed=0):
        self.data = np.memmap(path, dtype=np.uint16, mode="r")
        self.seq, self.batch, self.device = seq, batch, device
        self.rng = np.random.default_rng(seed)

    def __call__(self):
        ix = self.rng.integers(0, len(self.data) - self.seq - 1, self.batch)
        x = np.stack([self.data[i:i + self.seq + 1].astype(np.int64) for i in ix])
        t = torch.from_numpy(x)
        if self.device == "cuda":
            t = t.pin_memory().to(self.device, non_blocking=True)
        return t[:, :-1], t[:, 1:]


@torch.no_grad()
def evaluate(model, batches, n, ctx):
    model.eval()
    batches.rng = np.random.default_rng(1234)  # the same windows every time, so evaluations compare
    losses = []
    for _ in range(n):
        x, y = batches()
        with ctx:
            losses.append(model.loss(x, y).item())
    model.train()
    return float(np.mean(losses))


def autocast(device):
    # bf16 on the GPU; on a CPU without native bf16 (no AVX512-BF16/AMX) autocast emulates it
    # and one step took 207 s instead of 13.5 s in fp32 (batch 16 x 512, one thread)
    if device == "cpu":
        return contextlib.nullcontext()
    return torch.autocast(device_type=device, dtype=torch.bfloat16)


def bits_per_byte(loss_nats, data_dir):
    """Convert per-token loss to bits per byte of source text with the split's bytes/token."""
    meta = json.loads((Path(data_dir) / "val.meta.json").read_text())
    return loss_nats / math.log(2) * meta["tokens"] / meta["bytes"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--out", default=str(HERE / "ckpt/dense.pt"))
    ap.add_argument("--init", default="", help="checkpoint to continue from")
    ap.add_argument("--minutes", type=float, default=30)
    ap.add_argument("--d-model", type=int, default=384)
    ap.add_argument("--n-layer", type=int, default=8)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--eval-batches", type=int, default=20)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--compile", action="store_true")
    ap.add_argument("--log", default="")
    a = ap.parse_args()
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(int(time.time()))
    meta = {}
    if a.init and os.path.exists(a.init):
        model, meta = load_checkpoint(a.init, device)
        print(f"continuing from {a.init}: step {meta.get('step')}, val {meta.get('val_loss')}", file=sys.stderr)
    else:
        model = OndiLM(ModelConfig(d_model=a.d_model, n_layer=a.n_layer, max_seq=max(1024, a.seq))).to(device)
    total, non_emb = model.param_counts()
    print(f"params {total/1e6:.2f}M (non-embedding {non_emb/1e6:.2f}M) on {device}", file=sys.stderr)
    train = Batches(Path(a.data) / "train.bin", a.seq, a.batch, device, seed=int(time.time()))
    val = Batches(Path(a.data) / "val.bin", a.seq, a.batch, device, seed=1234)
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([dict(params=decay, weight_decay=0.1), dict(params=other, weight_decay=0.0)],
                            lr=a.lr, betas=(0.9, 0.95), fused=device == "cuda")
    step_fn = model
    if a.compile:
        step_fn = torch.compile(model)
    ctx = autocast(device)
    best = meta.get("val_loss", float("inf"))
    if math.isfinite(best):  # re-measure on this machine's sample so improvement is comparable
        best = evaluate(model, val, a.eval_batches, ctx)
    step0, tokens0 = meta.get("step", 0), meta.get("tokens", 0)
    t0 = time.time()
    deadline = t0 + a.minutes * 60
    step = 0
    log = open(a.log, "a") if a.log else None
    while time.time() < deadline:
        # cosine over the time box itself: a step-count estimate taken early (while compiling) ran short
        progress = min(1.0, (time.time() - t0) / max(1e-9, deadline - t0))
        lr = a.lr * min(1, (step + 1) / a.warmup)
        if step > a.warmup:
            lr = a.min_lr + 0.5 * (a.lr - a.min_lr) * (1 + math.cos(math.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        x, y = train()
        if step == 0 and step_fn is not model:
            try:  # compile on the first batch; fall back to eager if this stack cannot compile
                with ctx:
                    step_fn(x)
            except Exception as e:
                print(f"compile failed, running eager: {e}", file=sys.stderr)
                step_fn = model
            t0 = time.time()
            deadline = t0 + a.minutes * 60
        with ctx:
            h, _ = step_fn(x)
            loss = torch.nn.functional.cross_entropy(model.logits(h).float().view(-1, model.cfg.vocab_size), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        last = time.time() >= deadline
        if step % a.eval_every == 0 or last:
            vl = evaluate(model, val, a.eval_batches, ctx)
            tokens = tokens0 + step * a.seq * a.batch
            rate = step * a.seq * a.batch / (time.time() - t0)
            rec = dict(step=step0 + step, tokens=tokens, train_loss=round(loss.item(), 4), val_loss=round(vl, 4),
                       bpb=round(bits_per_byte(vl, a.data), 4), lr=lr, tok_per_s=round(rate))
            print(json.dumps(rec), file=sys.stderr, flush=True)
            if log:
                log.write(json.dumps(rec) + "\n"); log.flush()
            if vl < best:
                best = vl
                Path(a.out).parent.mkdir(parents=True, exist_ok=True)
                save_checkpoint(model, a.out, step=step0 + step, tokens=tokens, val_loss=vl,
                                bpb=bits_per_byte(vl, a.data))
    print(f"done: best val {best:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
