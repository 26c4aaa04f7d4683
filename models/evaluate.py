"""Held-out line completion (DESIGN.md protocol) and bits per byte for an exported model.

  python evaluate.py --model ondi-code [--file model_quantized.onnx] --test data/heldout --samples 500
"""
import argparse, json, os, random, re, statistics, sys, time
from collections import Counter
from pathlib import Path
import numpy as np
from tokenizers import Tokenizer
from runtime import OrtLM

EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".py")
SKIP = {"node_modules", "dist", "build", "out"}
IDENT = re.compile(r"[A-Za-z0-9_$]")
MAX_PROMPT = 448   # tokens of left context (the model trained on 512-token windows)
MAX_NEW = 32       # single-line completion budget


def source_files(root):
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP)
        for f in sorted(files):
            if not f.endswith(EXTS) or ".min." in f:
                continue
            p = Path(dirpath) / f
            if p.stat().st_size > 200_000:
                continue
            try:
                text = p.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue
            if any(len(l) > 500 for l in text.split("\n")):
                continue
            yield p, text


def is_comment(s):
    return s.startswith(("//", "#", "/*", "*", "*/", '"""', "'''"))


def sample_cases(root, n, seed):
    """Deterministic (seeded) sample of cursor positions, as DESIGN.md's protocol fixes them."""
    rng = random.Random(seed)
    lines = []
    for p, text in source_files(root):
        rows = text.split("\n")
        for i, l in enumerate(rows):
            t = l.strip()
            if len(t) >= 10 and not is_comment(t):
                lines.append((p, text, i))
    rng.shuffle(lines)
    cases = []
    for p, text, i in lines[:n]:
        rows = text.split("\n")
        line = rows[i]
        indent = len(line) - len(line.lstrip())
        end = len(line.rstrip())
        col = rng.randint(indent, max(indent, end - 1))
        while col > indent and not (bool(IDENT.match(line[col - 1])) != bool(IDENT.match(line[col]))):
            col -= 1
        prefix = "\n".join(rows[:i]) + ("\n" if i else "") + line[:col]
        cases.append(dict(path=str(p), line=i, col=col, prefix=prefix, target=line[col:].rstrip(),
                          line_prefix=line[:col], earlier=rows[:i]))
    return cases


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def edit_sim(p, t):
    return 1 - levenshtein(p, t) / max(len(p), len(t), 1)


class Completer:
    """Greedy single-line completion with token healing, as the extension does it."""
    def __init__(self, lm: OrtLM, tok: Tokenizer):
        self.lm, self.tok = lm, tok
        self.eot = tok.token_to_id("<|endoftext|>")
        self.strs = [tok.decode([i]) for i in range(tok.get_vocab_size())]

    def complete(self, prefix):
        ids = self.tok.encode(prefix).ids[-MAX_PROMPT:]
        healed = ""
        if len(ids) > 1:  # back up one token; the first new token must re-spell it
            healed = self.strs[ids[-1]]
            ids = ids[:-1]
        ids = ids or [self.eot]  # a line at the top of a file follows the document separator
        cache = self.lm.empty_cache()
        logits, _, cache = self.lm.step(ids, cache, 0)
        past, out = len(ids), []
        for k in range(MAX_NEW):
            if k == 0 and healed:
                allowed = [i for i, s in enumerate(self.strs) if s.startswith(healed)]
                t = allowed[int(np.argmax(logits[allowed]))]
            else:
                t = int(np.argmax(logits))
            if t == self.eot:
                break
            out.append(t)
            text = self.tok.decode(out)[len(healed):]
            if "\n" in text:
                return text.split("\n")[0].rstrip()
            logits, _, cache = self.lm.step([t], cache, past)
            past += 1
        return self.tok.decode(out)[len(healed):].split("\n")[0].rstrip()


def lookup(case):
    """In-file baseline: the most frequent continuation of an earlier line with the same prefix."""
    lp = case["line_prefix"].lstrip()
    conts = Counter(l.strip()[len(lp):].rstrip() for l in case["earlier"]
                    if l.strip().startswith(lp) and len(l.strip()) > len(lp))
    return conts.most_common(1)[0][0] if conts else ""


def score(preds, cases):
    em = 100 * statistics.mean(p == c["target"] for p, c in zip(preds, cases))
    es = 100 * statistics.mean(edit_sim(p, c["target"]) for p, c in zip(preds, cases))
    return round(em, 2), round(es, 2)


def run_completion(folder, file, cases, tok):
    c = Completer(OrtLM(folder, file), tok)
    c.complete(cases[0]["prefix"])  # warm-up
    preds, ms = [], []
    for case in cases:
        t = time.perf_counter()
        preds.append(c.complete(case["prefix"]))
        ms.append(1000 * (time.perf_counter() - t))
    em, es = score(preds, cases)
    return dict(em=em, es=es, p50_ms=round(float(np.percentile(ms, 50)), 1),
                p95_ms=round(float(np.percentile(ms, 95)), 1)), preds


def bpb_onnx(folder, file, tokens, windows=24, seq=512, seed=0):
    """Bits per byte from the exported file: its hidden states through its own output matrix
    (dequantized int8 for the quantized file)."""
    import onnx
    from onnx import numpy_helper
    lm = OrtLM(folder, file)
    m = onnx.load(str(Path(folder) / "onnx" / file))
    inits = {i.name: numpy_helper.to_array(i) for i in m.graph.initializer}
    mats = {k: v for k, v in inits.items() if v.ndim == 2 and v.shape[1] == lm.cfg["vocab_size"]}
    name, w = next(iter(mats.items()))
    if w.dtype == np.int8:
        w = w.astype(np.float32) * inits[next(k for k in inits if k.startswith(name.rsplit("_quantized", 1)[0]) and k.endswith("scale"))]
    data = np.memmap(tokens, dtype=np.uint16, mode="r")
    rng = np.random.default_rng(seed)
    nll = n = 0
    for s in rng.integers(0, len(data) - seq - 1, windows):
        x = data[s:s + seq + 1].astype(np.int64)
        _, h, _ = lm.step(list(x[:-1]), lm.empty_cache(), 0)
        logits = h @ w
        logits -= logits.max(-1, keepdims=True)
        lp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        nll -= lp[np.arange(seq), x[1:]].sum()
        n += seq
    meta = json.loads((Path(tokens).parent / "val.meta.json").read_text())
    return round(float(nll / n / np.log(2) * meta["tokens"] / meta["bytes"]), 4)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--file", default="model_quantized.onnx")
    ap.add_argument("--test", default=str(Path(__file__).parent / "data/heldout"))
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=0)
    a = ap.parse_args()
    tok = Tokenizer.from_file(str(Path(a.model) / "tokenizer.json"))
    cases = sample_cases(a.test, a.samples, a.seed)
    res, preds = run_completion(a.model, a.file, cases, tok)
    res["lookup"] = dict(zip(("em", "es"), score([lookup(c) for c in cases], cases)))
    res["samples"] = len(cases)
    for p, c in list(zip(preds, cases))[: a.show]:
        print(f"{c['line_prefix']!r}\n   want {c['target']!r}\n   got  {p!r}", file=sys.stderr)
    print(json.dumps(res))
