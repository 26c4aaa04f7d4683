"""Checks on the committed artifacts: the shipped int8 model and the dense checkpoint."""
import json
from pathlib import Path
import numpy as np
import pytest
import torch
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent.parent
SHIPPED = HERE / "ondi-code"
PARITY = HERE / "tests/parity.json"


def greedy_ort(lm, ids, n):
    cache = lm.empty_cache()
    logits, _, cache = lm.step(ids, cache, 0)
    out, past = [], len(ids)
    for _ in range(n):
        t = int(np.argmax(logits)); out.append(t)
        logits, _, cache = lm.step([t], cache, past); past += 1
    return out


def test_shipped_folder_is_complete_and_small():
    cfg = json.loads((SHIPPED / "config.json").read_text())
    assert (SHIPPED / "tokenizer.json").exists() and (SHIPPED / "tokenizer_config.json").exists()
    size = (SHIPPED / "onnx/model_quantized.onnx").stat().st_size
    assert size <= 40e6
    report = json.loads((HERE / "report.json").read_text())
    stages = {s["stage"]: s for s in report["stages"]}
    assert stages["pruned int8"]["file_mb"] <= 0.3 * stages["dense fp32"]["file_mb"]
    assert stages["pruned fp32"]["non_embedding_params"] <= 0.5 * stages["dense fp32"]["non_embedding_params"]
    assert cfg["ondi"]["non_embedding_params"] == stages["pruned int8"]["non_embedding_params"]


def test_shipped_model_completes_common_code():
    from runtime import OrtLM
    tok = Tokenizer.from_file(str(SHIPPED / "tokenizer.json"))
    lm = OrtLM(SHIPPED, threads=1)
    ids = tok.encode("import numpy as np\nimport matplotlib.pyplot as").ids
    assert tok.decode(greedy_ort(lm, ids, 2)).startswith(" plt")


def test_greedy_tokens_match_the_recorded_parity_fixture():
    """The fixture the TypeScript engine is held to: same prompts, same greedy tokens."""
    from runtime import OrtLM
    fx = json.loads(PARITY.read_text())
    tok = Tokenizer.from_file(str(SHIPPED / "tokenizer.json"))
    lm = OrtLM(SHIPPED, threads=1)
    for case in fx["cases"]:
        assert tok.encode(case["prompt"]).ids == case["prompt_ids"]
        assert greedy_ort(lm, case["prompt_ids"], len(case["greedy_ids"])) == case["greedy_ids"]


def test_dense_checkpoint_matches_its_onnx_export(tmp_path):
    """PyTorch and onnxruntime give the same greedy tokens for the committed dense model."""
    import export
    from model import load_checkpoint
    from runtime import OrtLM
    ckpt = HERE / "checkpoints/dense.pt"
    model, meta = load_checkpoint(ckpt)
    model.eval()
    export.write_folder(model, meta, ckpt, tmp_path, "dense")
    export.export(model, tmp_path / "onnx/model.onnx")
    lm = OrtLM(tmp_path, "model.onnx", threads=2)
    tok = Tokenizer.from_file(str(SHIPPED / "tokenizer.json"))
    ids = tok.encode("export function debounce<T>(fn: (...args: T[]) => void, ms: number) {\n  let timer").ids
    seq = list(ids)
    with torch.no_grad():
        for _ in range(12):
            h, _ = model(torch.tensor([seq]))
            seq.append(int(model.logits(h[0, -1]).argmax()))
    assert greedy_ort(lm, ids, 12) == seq[len(ids):]
