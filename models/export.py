"""Stage 6: export a checkpoint to an ONNX model folder with KV cache, then int8-quantize it.

The folder follows the transformers.js layout: config.json, tokenizer.json,
tokenizer_config.json and onnx/model.onnx (fp32) or onnx/model_quantized.onnx (int8).
Inputs: input_ids, attention_mask, position_ids, logit_positions, past_key_values.{i}.key/value.
Outputs: logits (only at logit_positions, indices into the fed tokens: the last one when
decoding, several when checking drafted tokens in one run), last_hidden_state (every
position, after the final norm: the personalization adapter trains on it), present.{i}.key/value:
the fed positions' keys and values only (config.json: "kv_outputs": "fed"); the runtime appends
them to its cache, so a decoding step does not hand the whole cache back. Layers pruned to zero
heads have no cache entries.

  python export.py --ckpt ckpt/pruned.pt --out ondi-code --quantize
"""
import argparse, hashlib, json, shutil, sys
from pathlib import Path
import torch
import torch.nn as nn
import torch.nn.functional as F
from model import OndiLM, load_checkpoint

HERE = Path(__file__).parent


def rotate_half(head_dim: int) -> torch.Tensor:
    """R with x @ R == cat(-x2, x1): RoPE's half-rotation as a fixed linear map, so it folds into
    the projection weights (it permutes and negates output channels: the int8 weights are the
    same numbers, per-channel scales included)."""
    half = head_dim // 2
    r = torch.zeros(head_dim, head_dim)
    r[half:, :half] = -torch.eye(half)
    r[:half, half:] = torch.eye(half)
    return r


class ExportBlock(nn.Module):
    """One decoder layer for the graph. q, k, their half-rotations and v come out of one matmul
    (RoPE is then two multiplies and an add), the attention scale 1/8 is folded exactly into the
    q weights, gate and up are one matmul, and heads get constant shapes (batch 1)."""
    def __init__(self, blk, head_dim: int):
        super().__init__()
        self.hd = head_dim
        self.h = blk.attn.h if blk.attn is not None else 0
        self.norm1, self.norm2 = blk.norm1, blk.norm2
        if blk.attn is not None:
            rot = torch.block_diag(*[rotate_half(head_dim)] * self.h)
            wq = blk.attn.q.weight.detach() * head_dim ** -0.5
            wk = blk.attn.k.weight.detach()
            self.qkv = nn.Parameter(torch.cat([wq, wk, rot.t() @ wq, rot.t() @ wk, blk.attn.v.weight.detach()]))
            self.o = blk.attn.o
        if blk.mlp is not None:
            self.width = blk.mlp.gate.weight.shape[0]
            self.gate_up = nn.Parameter(torch.cat([blk.mlp.gate.weight.detach(), blk.mlp.up.weight.detach()]))
            self.down = blk.mlp.down  # its name keeps it out of int8 (see quantize)

    def forward(self, x, cos, sin, mask, past_k=None, past_v=None):
        present = ()
        if self.h:
            inner = self.h * self.hd
            qk, qk_rot, v = F.linear(self.norm1(x), self.qkv).split([2 * inner, 2 * inner, inner], -1)
            q, k = (qk * cos + qk_rot * sin).split(inner, -1)
            fed_k, fed_v = self.heads(k), self.heads(v)
            k = torch.cat([past_k, fed_k], 2)
            v = torch.cat([past_v, fed_v], 2)
            att = torch.softmax(torch.matmul(self.heads(q), k.transpose(-1, -2)) + mask, -1)
            y = torch.matmul(att, v)
            y = y.squeeze(1) if self.h == 1 else y.transpose(1, 2).reshape(1, -1, inner)
            x = x + self.o(y)
            present = (fed_k, fed_v)
        if self.norm2 is not None:
            gate, up = F.linear(self.norm2(x), self.gate_up).split(self.width, -1)
            x = x + self.down(F.silu(gate) * up)
        return x, present

    def heads(self, t):
        """[1, T, h * hd] -> [1, h, T, hd]"""
        return t.unsqueeze(1) if self.h == 1 else t.reshape(1, -1, self.h, self.hd).transpose(1, 2)


class WithCache(nn.Module):
    """OndiLM with a KV cache as one graph, written for a decoding step on the CPU, where a step
    costs mostly per node rather than per multiply: 660 nodes became 246 and a one-token step
    1.5 to 2 times faster, with the same int8 weights. Tests hold it to OndiLM."""
    def __init__(self, model: OndiLM):
        super().__init__()
        self.m = model
        self.attn_layers = [i for i, b in enumerate(model.blocks) if b.attn is not None]
        # One [d, vocab] matrix serves both the output projection (MatMul) and the embedding
        # lookup (Gather on axis 1), so fp32 and int8 files each hold the tied weight once.
        self.wt = nn.Parameter(model.embed.weight.detach().t().contiguous())
        self.blocks = nn.ModuleList(ExportBlock(b, model.cfg.head_dim) for b in model.blocks)

    def forward(self, input_ids, attention_mask, position_ids, logit_positions, *past_flat):
        T = input_ids.shape[1]
        total = attention_mask.shape[1]
        q_pos = torch.arange(T, device=input_ids.device) + (total - T)
        k_pos = torch.arange(total, device=input_ids.device)
        allowed = (k_pos[None, :] <= q_pos[:, None])[None, None] & attention_mask.bool()[:, None, None, :]
        mask = torch.where(allowed, 0.0, float("-inf"))
        f = position_ids[0, :, None].float() * self.m.inv_freq  # [T, hd/2]
        cos, sin = torch.cat([f.cos(), f.cos()], -1), torch.cat([f.sin(), f.sin()], -1)
        tables = {}  # cos and sin over q's and k's heads, per head count
        x = torch.index_select(self.wt, 1, input_ids.reshape(-1)).t().unsqueeze(0)
        flat, n = [], 0
        for blk in self.blocks:
            if blk.h and blk.h not in tables:
                tables[blk.h] = (cos.repeat(1, 2 * blk.h), sin.repeat(1, 2 * blk.h))
            c, s = tables.get(blk.h, (None, None))
            past = (past_flat[2 * n], past_flat[2 * n + 1]) if blk.h else ()
            x, present = blk(x, c, s, mask, *past)
            n += 1 if blk.h else 0
            flat += present
        h = self.m.norm(x)
        logits = torch.matmul(torch.index_select(h, 1, logit_positions), self.wt)
        return (logits, h, *flat)


def export(model: OndiLM, path: Path):
    model.eval()
    w = WithCache(model)
    cfg = model.cfg
    names_in = ["input_ids", "attention_mask", "position_ids", "logit_positions"]
    names_out = ["logits", "last_hidden_state"]
    dyn = {"input_ids": {1: "seq"}, "attention_mask": {1: "total"}, "position_ids": {1: "seq"},
           "logit_positions": {0: "keep"}, "logits": {1: "keep"}, "last_hidden_state": {1: "seq"}}
    P, T = 3, 5
    args = [torch.randint(0, cfg.vocab_size, (1, T)), torch.ones(1, P + T, dtype=torch.long),
            torch.arange(P, P + T)[None], torch.tensor([T - 2, T - 1])]
    for i in w.attn_layers:
        for kv in ("key", "value"):
            names_in.append(f"past_key_values.{i}.{kv}")
            names_out.append(f"present.{i}.{kv}")
            dyn[f"past_key_values.{i}.{kv}"] = {2: "past"}
            dyn[f"present.{i}.{kv}"] = {2: "seq"}
            args.append(torch.randn(1, cfg.n_heads[i], P, cfg.head_dim))
    path.parent.mkdir(parents=True, exist_ok=True)
    with torch.no_grad():
        torch.onnx.export(w, tuple(args), str(path), input_names=names_in, output_names=names_out,
                          dynamic_axes=dyn, opset_version=17, do_constant_folding=True, dynamo=False)


class HeadTopK(nn.Module):
    """The output projection alone, for the personal adapter's training: hidden states in,
    each position's K most likely tokens with their logits, the log-sum-exp of all logits and
    the logit of the token that followed (targets) out."""
    def __init__(self, model: OndiLM, k: int):
        super().__init__()
        self.wt = nn.Parameter(model.embed.weight.detach().t().contiguous())
        self.k = k

    def forward(self, hidden, targets):
        logits = torch.matmul(hidden, self.wt)
        values, indices = torch.topk(logits, self.k, dim=-1)
        return values, indices, torch.logsumexp(logits, dim=-1), logits.gather(1, targets[:, None])[:, 0]


def export_head(model: OndiLM, path: Path, k: int = 64):
    tmp = path.with_suffix(".fp32.onnx")
    with torch.no_grad():
        torch.onnx.export(HeadTopK(model, k), (torch.randn(7, model.cfg.d_model), torch.randint(0, 100, (7,))),
                          str(tmp), input_names=["hidden", "targets"],
                          output_names=["topk_logits", "topk_ids", "logsumexp", "target_logit"],
                          dynamic_axes={n: {0: "n"} for n in ("hidden", "targets", "topk_logits", "topk_ids",
                                                               "logsumexp", "target_logit")},
                          opset_version=17, dynamo=False)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    quantize_dynamic(str(tmp), str(path), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"])
    tmp.unlink()


def quantize(src: Path, dst: Path, kind: str):
    """int8 weights. 'dynamic': MatMulInteger with per-channel weights and dynamically quantized
    activations (also the embedding Gather). 'nbits': MatMulNBits 8-bit blocks (weight-only)."""
    if kind == "dynamic":
        import onnx
        from onnxruntime.quantization import QuantType, quantize_dynamic
        # The FFN down projections stay fp32: their inputs (SwiGLU outputs) carry outliers that
        # per-tensor activation quantization flattens. Measured on held-out data: all MatMuls
        # int8 raised bits/byte from 1.021 to 1.055; sparing these 3% of weights gives 1.021.
        keep = [n.name for n in onnx.load(str(src)).graph.node if n.op_type == "MatMul" and "/down/" in n.name]
        quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=keep)
    else:
        import onnx
        from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer, DefaultWeightOnlyQuantConfig
        m = onnx.load(str(src))
        q = MatMulNBitsQuantizer(m, bits=8, block_size=32, is_symmetric=True, accuracy_level=4)
        q.process()
        onnx.save(q.model.model, str(dst))


def share_embedding(path: Path):
    """After dynamic quantization the Gather still reads the fp32 matrix while the output
    MatMulInteger reads its int8 copy: point the Gather at the int8 copy (dequantized per
    token with the same per-channel scales) and drop the fp32 matrix."""
    import onnx
    from onnx import helper, numpy_helper, TensorProto
    m = onnx.load(str(path))
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    gather = next(n for n in g.node if n.op_type == "Gather" and n.input[0] in inits
                  and len(numpy_helper.to_array(inits[n.input[0]]).shape) == 2)
    fp32_name = gather.input[0]
    mmi = next(n for n in g.node if n.op_type == "MatMulInteger" and n.input[1].startswith(fp32_name))
    wq_name = mmi.input[1]
    scale_name = next(i for i in inits if i.startswith(fp32_name) and i.endswith("scale"))
    ids, out = gather.input[1], gather.output[0]
    p = fp32_name.replace(".", "_") + "_shared"
    new = [
        helper.make_node("Gather", [wq_name, ids], [p + "_q"], axis=1),
        helper.make_node("Cast", [p + "_q"], [p + "_f"], to=TensorProto.FLOAT),
        helper.make_node("Gather", [scale_name, ids], [p + "_s"], axis=0),
        helper.make_node("Mul", [p + "_f", p + "_s"], [out]),
    ]
    idx = list(g.node).index(gather)
    g.node.remove(gather)
    for k, n in enumerate(new):
        g.node.insert(idx + k, n)
    g.initializer.remove(inits[fp32_name])
    onnx.checker.check_model(m)
    onnx.save(m, str(path))


def optimize_for_cpu(path: Path):
    """Runs onnxruntime's extended graph optimizations (constant folding, fused layer norms and
    int8 matmuls) once, here, and keeps the result: 1,378 nodes become 660, and the extension
    creates its session without optimizing, about 200 ms sooner. CPU provider only, as shipped."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    tmp = path.with_name(path.stem + ".optimized.onnx")
    so.optimized_model_filepath = str(tmp)
    ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    tmp.replace(path)
    cfg_path = path.parent.parent / "config.json"
    cfg = json.loads(cfg_path.read_text())
    cfg["ondi"]["ort_optimized"] = sorted(set(cfg["ondi"].get("ort_optimized", [])) | {path.name})
    cfg_path.write_text(json.dumps(cfg, indent=1) + "\n")


def write_folder(model: OndiLM, meta: dict, ckpt: Path, out: Path, stage: str):
    tok = HERE / "tokenizer"
    out.mkdir(parents=True, exist_ok=True)
    for f in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tok / f, out / f)
    cfg = model.cfg
    total, non_emb = model.param_counts()
    eot = json.loads((tok / "tokenizer.json").read_text())["added_tokens"][0]["id"]
    (out / "config.json").write_text(json.dumps(dict(
        model_type="ondi", architectures=["OndiForCausalLM"], vocab_size=cfg.vocab_size,
        hidden_size=cfg.d_model, num_hidden_layers=cfg.n_layer, head_dim=cfg.head_dim,
        num_attention_heads=cfg.n_heads, intermediate_size=cfg.ffn, max_position_embeddings=cfg.max_seq,
        rope_theta=cfg.rope_theta, rms_norm_eps=cfg.norm_eps, bos_token_id=eot, eos_token_id=eot,
        ondi=dict(stage=stage, params=total, non_embedding_params=non_emb,
                  checkpoint_sha256=hashlib.sha256(ckpt.read_bytes()).hexdigest(),
                  tokens_trained=meta.get("tokens") or meta.get("parent"), val_bpb=meta.get("bpb"),
                  cache_layers=[i for i, h in enumerate(cfg.n_heads) if h], kv_outputs="fed")), indent=1) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", help="required unless --optimize-only")
    ap.add_argument("--out", required=True)
    ap.add_argument("--stage", default="")
    ap.add_argument("--quantize", choices=["dynamic", "nbits"], default=None)
    ap.add_argument("--keep-fp32", action="store_true", help="keep onnx/model.onnx next to the int8 file")
    ap.add_argument("--head-only", action="store_true", help="only (re)write onnx/head_topk.onnx")
    ap.add_argument("--optimize-only", action="store_true", help="only optimize the folder's onnx/model_quantized.onnx")
    a = ap.parse_args()
    if a.optimize_only:
        optimize_for_cpu(Path(a.out) / "onnx/model_quantized.onnx")
        return
    if not a.ckpt:
        ap.error("--ckpt is required")
    if a.head_only:
        model, _ = load_checkpoint(a.ckpt)
        export_head(model, Path(a.out) / "onnx/head_topk.onnx")
        return
    model, meta = load_checkpoint(a.ckpt)
    out = Path(a.out)
    write_folder(model, meta, Path(a.ckpt), out, a.stage or Path(a.ckpt).stem)
    fp32 = out / "onnx/model.onnx"
    export(model, fp32)
    if a.quantize:
        quantize(fp32, out / "onnx/model_quantized.onnx", a.quantize)
        if a.quantize == "dynamic":
            share_embedding(out / "onnx/model_quantized.onnx")
            optimize_for_cpu(out / "onnx/model_quantized.onnx")
        export_head(model, out / "onnx/head_topk.onnx")
        if not a.keep_fp32:
            fp32.unlink()
    for f in sorted((out / "onnx").iterdir()):
        print(f"{f}: {f.stat().st_size / 1e6:.1f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
