"""Every stage of the recipe on a tiny corpus, in seconds, so it cannot rot."""
import io, json, subprocess, sys, tarfile
from pathlib import Path
import numpy as np
import pytest
import torch

HERE = Path(__file__).resolve().parent.parent
PY = sys.executable


def run(*args):
    subprocess.run([PY, *map(str, args)], check=True, cwd=HERE, capture_output=True)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    # a "package" made of the recipe's own sources
    tgz = d / "pkg.tgz"
    with tarfile.open(tgz, "w:gz") as t:
        for f in sorted(HERE.glob("*.py")):
            t.add(f, arcname=f"package/src/{f.name}")
    from corpus import EOT, keep_file, package_files
    texts = [text for path, text in package_files(tgz) if keep_file(path, text) is None]
    assert len(texts) >= 5
    (d / "train.txt").write_text(EOT.join(texts[1:]) + EOT)
    (d / "val.txt").write_text(texts[0] + EOT)
    tok = d / "tok"
    run("tokenizer.py", "train", "--data", d, "--tokenizer", tok, "--vocab", 400)
    run("tokenizer.py", "encode", "--data", d, "--tokenizer", tok)
    run("train.py", "--data", d, "--out", d / "dense.pt", "--minutes", 0.05, "--d-model", 64, "--n-layer", 2,
        "--seq", 64, "--batch", 4, "--eval-every", 5, "--eval-batches", 1, "--warmup", 2)
    run("prune.py", "--data", d, "--dense", d / "dense.pt", "--out", d / "pruned.pt", "--steps", 1,
        "--remove", 0.5, "--heal-minutes", 0.03, "--seq", 64, "--batch", 4, "--calib", 1)
    return d, tok


def test_training_saves_a_self_describing_checkpoint(tiny):
    from model import load_checkpoint
    d, _ = tiny
    model, meta = load_checkpoint(d / "dense.pt")
    assert meta["format"] == "ondi-checkpoint" and meta["step"] > 0 and np.isfinite(meta["val_loss"])
    assert all(v.dtype == torch.bfloat16 for v in torch.load(d / "dense.pt", weights_only=False)["model"].values())


def test_pruning_removes_at_least_the_share_asked(tiny):
    from model import load_checkpoint
    d, _ = tiny
    dense, _ = load_checkpoint(d / "dense.pt")
    pruned, meta = load_checkpoint(d / "pruned.pt")
    assert pruned.param_counts()[1] <= 0.5 * dense.param_counts()[1] + 3 * 64  # one unit of slack
    assert meta["prune_history"][-1]["stage"] == "prune1"


def test_export_and_int8_run_with_kv_cache_and_match_pytorch(tiny, monkeypatch):
    import export
    from model import load_checkpoint
    from runtime import OrtLM
    d, tok = tiny
    monkeypatch.setattr(export, "HERE", d.parent)  # tokenizer files come from the tiny run
    (d.parent / "tokenizer").mkdir(exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json"):
        (d.parent / "tokenizer" / f).write_text((tok / f).read_text())
    model, meta = load_checkpoint(d / "pruned.pt")
    out = d / "folder"
    export.write_folder(model, meta, d / "pruned.pt", out, "pruned")
    export.export(model, out / "onnx/model.onnx")
    export.quantize(out / "onnx/model.onnx", out / "onnx/model_quantized.onnx", "dynamic")
    export.share_embedding(out / "onnx/model_quantized.onnx")
    assert (out / "onnx/model_quantized.onnx").stat().st_size < (out / "onnx/model.onnx").stat().st_size
    ids = list(range(3, 40))
    with torch.no_grad():
        h, _ = model(torch.tensor([ids]))
        want = model.logits(h[0, -1]).numpy()
    for f, tol in (("model.onnx", 1e-3), ("model_quantized.onnx", None)):
        lm = OrtLM(out, f, threads=1)
        cache = lm.empty_cache()
        logits, hidden, cache = lm.step(ids[:-5], cache, 0)
        for k, t in enumerate(ids[-5:]):  # the cache path must equal the full-sequence path
            logits, hidden, cache = lm.step([t], cache, len(ids) - 5 + k)
        assert hidden.shape == (1, model.cfg.d_model)
        if tol:
            assert np.abs(logits - want).max() < tol
        else:
            assert np.isfinite(logits).all() and np.corrcoef(logits, want)[0, 1] > 0.9
