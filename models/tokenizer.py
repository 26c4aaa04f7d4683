"""Stage 2: train a byte-level BPE over the corpus and tokenize it.

  python tokenizer.py train   -> tokenizer/tokenizer.json + tokenizer_config.json (committed)
  python tokenizer.py encode  -> data/train.bin, data/val.bin (uint16 token ids)
"""
import argparse, json, os, sys
from pathlib import Path
import numpy as np
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers

HERE = Path(__file__).parent
EOT = "<|endoftext|>"


def docs(path: Path, max_bytes: int):
    """Stream documents (files) separated by EOT, up to max_bytes."""
    seen = 0
    buf = ""
    with open(path, encoding="utf-8") as f:
        while chunk := f.read(1 << 20):
            buf += chunk
            *parts, buf = buf.split(EOT)
            for p in parts:
                yield p
                seen += len(p)
                if max_bytes and seen >= max_bytes:
                    return
    if buf:
        yield buf


def train(data: Path, out: Path, vocab: int, max_bytes: int):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    tr = trainers.BpeTrainer(vocab_size=vocab, special_tokens=[EOT], min_frequency=2,
                             initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    # every third file, so that the sample spans all packages and languages
    sample = (d for i, d in enumerate(docs(data / "train.txt", 0)) if i % 3 == 0)
    tok.train_from_iterator(sample, trainer=tr)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(str(out / "tokenizer.json"))
    legacy_merges(out / "tokenizer.json")
    (out / "tokenizer_config.json").write_text(json.dumps(dict(
        tokenizer_class="PreTrainedTokenizerFast", bos_token=EOT, eos_token=EOT, unk_token=EOT,
        add_bos_token=False, add_prefix_space=False, clean_up_tokenization_spaces=False,
        model_max_length=1024), indent=1) + "\n")
    print(f"vocab {tok.get_vocab_size()} -> {out}", file=sys.stderr)


def legacy_merges(path: Path):
    """Write merges as "a b" strings: transformers.js 2.x reads only that form (byte-level
    tokens never hold a space, so the two forms say the same)."""
    d = json.loads(path.read_text())
    d["model"]["merges"] = [m if isinstance(m, str) else " ".join(m) for m in d["model"]["merges"]]
    path.write_text(json.dumps(d, ensure_ascii=False))


def encode(data: Path, tok_dir: Path, names):
    tok = Tokenizer.from_file(str(tok_dir / "tokenizer.json"))
    eot = tok.token_to_id(EOT)
    for name in names:
        src = data / f"{name}.txt"
        n_bytes = n_tok = 0
        with open(data / f"{name}.bin.tmp", "wb") as out:
            batch = []
            for d in docs(src, 0):
                batch.append(d)
                if len(batch) == 2048:
                    n_tok += _write(tok, batch, eot, out)
                    n_bytes += sum(len(x.encode()) for x in batch)
                    batch = []
            n_tok += _write(tok, batch, eot, out)
            n_bytes += sum(len(x.encode()) for x in batch)
        os.replace(data / f"{name}.bin.tmp", data / f"{name}.bin")
        print(f"{name}: {n_tok} tokens, {n_bytes} bytes, {n_bytes / max(n_tok, 1):.2f} bytes/token", file=sys.stderr)
        (data / f"{name}.meta.json").write_text(json.dumps(dict(tokens=n_tok, bytes=n_bytes)))


def _write(tok, batch, eot, out):
    if not batch:
        return 0
    n = 0
    for enc in tok.encode_batch(batch):
        ids = np.array(enc.ids + [eot], dtype=np.uint16)
        out.write(ids.tobytes())
        n += len(ids)
    return n


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=["train", "encode"])
    ap.add_argument("--data", default=str(HERE / "data"))
    ap.add_argument("--tokenizer", default=str(HERE / "tokenizer"))
    ap.add_argument("--vocab", type=int, default=16384)
    ap.add_argument("--max-bytes", type=int, default=150_000_000)
    ap.add_argument("--splits", default="train,val")
    a = ap.parse_args()
    if a.stage == "train":
        train(Path(a.data), Path(a.tokenizer), a.vocab, a.max_bytes)
    else:
        encode(Path(a.data), Path(a.tokenizer), a.splits.split(","))
