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


# The shipped graph multiplies dynamically quantized uint8 activations by int8 weights
# (DynamicQuantizeMatMul / MatMulIntegerToFloat). onnxruntime's x86 kernels for that product
# come in two kinds: with VNNI (AVX512-VNNI, AVX-VNNI) or AMX, and on ARM, every product is summed
# exactly in int32; on AVX2 and AVX-512 without VNNI, vpmaddubsw first adds adjacent pairs of
# products into int16 and saturates (2 * 255 * 127 > 32767). The two kinds give different logits
# (not rounding: whole tokens change), so greedy tokens are recorded once per kind and a machine
# is held to the recording of the kind it has, found by running PROBE (tests/int8_probe.onnx).
PROBE = HERE / "tests/int8_probe.onnx"
PROBE_K = 64
KERNELS = {
    "int32": "u8 x s8 products summed exactly in int32 (x86 with VNNI or AMX, ARM)",
    "int16-pairs": "adjacent u8 x s8 products saturated to int16 before summing (x86 AVX2 / AVX-512 without VNNI)",
}


def write_probe(path=PROBE):
    """One DynamicQuantizeMatMul, the op the shipped graph uses: x = ones[2, 64] (quantized to
    uint8 255) times int8 weights of 127. Exact sums give 64 * 127 = 8128 per output; int16 pair
    saturation gives 32 * 32767 / 255 = 4111.9."""
    import onnx
    from onnx import TensorProto, helper
    w = helper.make_tensor("w", TensorProto.INT8, [PROBE_K, 4], [127] * (PROBE_K * 4))
    s = helper.make_tensor("w_scale", TensorProto.FLOAT, [4], [1.0] * 4)
    z = helper.make_tensor("w_zero_point", TensorProto.INT8, [4], [0] * 4)
    node = helper.make_node("DynamicQuantizeMatMul", ["x", "w", "w_scale", "w_zero_point"], ["y"], domain="com.microsoft")
    g = helper.make_graph([node], "int8_probe", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, PROBE_K])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 4])], initializer=[w, s, z])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)], ir_version=9)
    onnx.save(m, str(path))


def int8_kernel():
    """Which kind of int8 kernel this machine's onnxruntime runs: a key of KERNELS."""
    import onnxruntime as ort
    sess = ort.InferenceSession(str(PROBE), providers=["CPUExecutionProvider"])
    y = sess.run(None, {"x": np.ones((2, PROBE_K), np.float32)})[0]
    if np.all(np.abs(y - PROBE_K * 127) < 1e-2):
        return "int32"
    if np.all(np.abs(y - (PROBE_K // 2) * 32767 / 255) < 1e-2):
        return "int16-pairs"
    raise AssertionError(f"int8 probe: unexpected output {y.ravel()[:4]}")


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
    """The fixture the TypeScript engine is held to: same prompts, and the greedy tokens recorded
    for this machine's kind of int8 kernel."""
    import hashlib
    from runtime import OrtLM
    fx = json.loads(PARITY.read_text())
    assert fx["model_sha256"] == hashlib.sha256((HERE / fx["model"]).read_bytes()).hexdigest(), \
        "the shipped model changed: run parity_fixture.py"
    kind = int8_kernel()
    assert kind in fx["recorded_kernels"], f"no greedy tokens recorded for int8 kernel {kind!r}: run parity_fixture.py on such a machine"
    tok = Tokenizer.from_file(str(SHIPPED / "tokenizer.json"))
    lm = OrtLM(SHIPPED, threads=1)
    for case in fx["cases"]:
        assert tok.encode(case["prompt"]).ids == case["prompt_ids"]
        assert greedy_ort(lm, case["prompt_ids"], len(case["greedy_ids"][kind])) == case["greedy_ids"][kind], case["prompt"]


def test_int8_probe_is_current_and_recognized(tmp_path):
    """The committed probe (also read by the TypeScript test) is what write_probe makes, and this
    machine's onnxruntime gives one of the two expected outputs for it."""
    write_probe(tmp_path / "probe.onnx")
    assert (tmp_path / "probe.onnx").read_bytes() == PROBE.read_bytes()
    assert int8_kernel() in KERNELS


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
