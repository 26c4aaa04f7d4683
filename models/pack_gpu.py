"""Pack the corpus for a GPU machine that takes at most ~64 MiB: all TypeScript/JavaScript,
a share of the Python (which dominates by volume), zstd-compressed."""
import json, sys, subprocess
from pathlib import Path
HERE = Path(__file__).parent
EOT = "<|endoftext|>"
share = float(sys.argv[1]) if len(sys.argv) > 1 else 0.7
m = json.loads((HERE / "corpus/manifest.json").read_text())
py_bytes = sum(p["bytes"] for p in m["packages"] if p["split"] == "train" and p["registry"] == "pypi")
sys.path.insert(0, str(HERE))
from tokenizer import docs
out = subprocess.Popen(["zstd", "-19", "--long=31", "-T2", "-q", "-f", "-o", str(HERE / "data/gpu/train.txt.zst")], stdin=subprocess.PIPE)
seen = kept = 0
for i, d in enumerate(docs(HERE / "data/train.txt", 0)):
    n = len(d.encode())
    python = seen < py_bytes  # packages were written in list order: PyPI first
    seen += n
    if python and (i * 2654435761 % 1000) / 1000 >= share:
        continue
    out.stdin.write((d + EOT).encode()); kept += n
out.stdin.close(); out.wait()
print(f"kept {kept/1e6:.0f} MB of {seen/1e6:.0f} MB", file=sys.stderr)
