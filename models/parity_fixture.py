"""Record greedy tokens of the shipped model for fixed prompts (tests/parity.json): the
TypeScript engine must reproduce them exactly.

onnxruntime's int8 matmul differs by CPU (see KERNELS in tests/test_shipped_model.py): tokens are
recorded per kind of int8 kernel. A run records this machine's kind (found with the probe, which
it also writes) and keeps the recordings made earlier on machines of the other kind, as long as
the model and the prompts are unchanged; otherwise those are dropped and must be recorded again
on such a machine. An x86 machine with VNNI can stand in for one without: under user-mode QEMU
with a Haswell CPU (`apt-get install qemu-user`, then
`qemu-x86_64 -cpu Haswell .venv/bin/python parity_fixture.py`, about a minute) the probe reports
int16-pairs, and the old model's recorded int16-pairs tokens came out exactly."""
import hashlib
import json
from pathlib import Path
from tokenizers import Tokenizer
from runtime import OrtLM
from tests.test_shipped_model import KERNELS, greedy_ort, int8_kernel, write_probe

HERE = Path(__file__).parent
MODEL = "ondi-code/onnx/model_quantized.onnx"
PROMPTS = [
    "import numpy as np\nimport matplotlib.pyplot as",
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return",
    "export function debounce<T>(fn: (...args: T[]) => void, ms: number) {\n  let timer",
    "const express = require('express');\nconst app = express();\n\napp.get('/', (req, res) => {\n  res.",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n        self.",
]
STEPS = 12

write_probe()
kind = int8_kernel()
sha = hashlib.sha256((HERE / MODEL).read_bytes()).hexdigest()
out_path = HERE / "tests/parity.json"
old = json.loads(out_path.read_text()) if out_path.exists() else {}
keep = [k for k in old.get("recorded_kernels", []) if k != kind]
if keep and (old.get("model_sha256") != sha or [c["prompt"] for c in old["cases"]] != PROMPTS):
    print(f"model or prompts changed: dropping the recordings for {keep}; record them again on such a machine")
    keep = []
tok = Tokenizer.from_file(str(HERE / "ondi-code/tokenizer.json"))
lm = OrtLM(HERE / "ondi-code", threads=1)
cases = []
for n, p in enumerate(PROMPTS):
    ids = tok.encode(p).ids
    g = greedy_ort(lm, ids, STEPS)
    prev = old["cases"][n] if keep else {}
    greedy = {k: prev["greedy_ids"][k] for k in keep} | {kind: g}
    cases.append(dict(prompt=p, prompt_ids=ids,
                      greedy_ids={k: greedy[k] for k in KERNELS if k in greedy},
                      greedy_text={k: tok.decode(greedy[k]) for k in KERNELS if k in greedy}))
recorded = [k for k in KERNELS if k in keep or k == kind]
out_path.write_text(json.dumps(dict(model=MODEL, model_sha256=sha, kernels=KERNELS, recorded_kernels=recorded,
                                    cases=cases), indent=1) + "\n")
print(f"recorded int8 kernel {kind!r}; the fixture holds {recorded}")
