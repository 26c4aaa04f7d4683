"""The exported model under onnxruntime (Python): KV-cache decoding, the way the TypeScript
engine runs it. Used by evaluate.py and the parity test."""
import json
from pathlib import Path
import numpy as np
import onnxruntime as ort


class OrtLM:
    def __init__(self, folder, file="model_quantized.onnx", threads=2):
        folder = Path(folder)
        self.cfg = json.loads((folder / "config.json").read_text())
        so = ort.SessionOptions()
        so.intra_op_num_threads = threads
        so.inter_op_num_threads = 1
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sess = ort.InferenceSession(str(folder / "onnx" / file), so, providers=["CPUExecutionProvider"])
        self.layers = self.cfg["ondi"]["cache_layers"]
        self.heads = self.cfg["num_attention_heads"]
        self.hd = self.cfg["head_dim"]
        # newer exports hand back the fed positions' keys and values only, to be appended
        self.fed_only = self.cfg["ondi"].get("kv_outputs") == "fed"
        # older exports computed logits at the last position only
        self.positions = "logit_positions" in {i.name for i in self.sess.get_inputs()}

    def empty_cache(self):
        return {i: (np.zeros((1, self.heads[i], 0, self.hd), np.float32),) * 2 for i in self.layers}

    def step(self, ids, cache, past_len):
        """Feed ids (list of int) after past_len cached tokens. Returns (logits[V], hidden[T, d], cache)."""
        T = len(ids)
        feed = {"input_ids": np.array([ids], np.int64),
                "attention_mask": np.ones((1, past_len + T), np.int64),
                "position_ids": np.arange(past_len, past_len + T, dtype=np.int64)[None]}
        if self.positions:
            feed["logit_positions"] = np.array([T - 1], np.int64)
        for i in self.layers:
            feed[f"past_key_values.{i}.key"], feed[f"past_key_values.{i}.value"] = cache[i]
        outs = self.sess.run(None, feed)
        new = {i: (outs[2 + 2 * n], outs[3 + 2 * n]) for n, i in enumerate(self.layers)}
        if self.fed_only:
            new = {i: tuple(np.concatenate([c, p], axis=2) for c, p in zip(cache[i], new[i])) for i in new}
        return outs[0][0, -1], outs[1][0], new
