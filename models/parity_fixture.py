"""Record greedy tokens of the shipped model for fixed prompts (tests/parity.json): the
TypeScript engine must reproduce them exactly."""
import json
from pathlib import Path
from tokenizers import Tokenizer
from runtime import OrtLM
from tests.test_shipped_model import greedy_ort

HERE = Path(__file__).parent
PROMPTS = [
    "import numpy as np\nimport matplotlib.pyplot as",
    "def fibonacci(n):\n    if n < 2:\n        return n\n    return",
    "export function debounce<T>(fn: (...args: T[]) => void, ms: number) {\n  let timer",
    "const express = require('express');\nconst app = express();\n\napp.get('/', (req, res) => {\n  res.",
    "class Stack:\n    def __init__(self):\n        self.items = []\n\n    def push(self, item):\n        self.",
]
tok = Tokenizer.from_file(str(HERE / "ondi-code/tokenizer.json"))
lm = OrtLM(HERE / "ondi-code", threads=1)
cases = []
for p in PROMPTS:
    ids = tok.encode(p).ids
    g = greedy_ort(lm, ids, 12)
    cases.append(dict(prompt=p, prompt_ids=ids, greedy_ids=g, greedy_text=tok.decode(g)))
(HERE / "tests/parity.json").write_text(json.dumps(dict(model="ondi-code/onnx/model_quantized.onnx", cases=cases), indent=1) + "\n")
