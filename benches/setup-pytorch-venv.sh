#!/usr/bin/env bash
# Makes (or checks) the virtualenv that benches/encoder_pytorch.py runs in, with the pinned
# packages of benches/requirements-pytorch.txt from PyPI, and prints its python on the last
# line of stdout (everything else goes to stderr):
#
#     PY=$(bash benches/setup-pytorch-venv.sh)
#
# Idempotent: when the venv already holds every pinned version and torch imports, it does
# nothing else. A fresh install downloads ~2.5 GB and takes ~1.5 min on a fast link; the venv
# is ~4.3 GB (torch's CUDA libraries, which `import torch` needs even on the CPU: see the
# comment at the top of the requirements file).
#
# Environment:
#   STANDPOINT_BENCH_VENV  where the venv goes (default ~/.cache/standpoint/bench-venv)
#   PYTHON                 the interpreter to make it with (default python3; needs >= 3.11)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
req="$here/requirements-pytorch.txt"
venv="${STANDPOINT_BENCH_VENV:-$HOME/.cache/standpoint/bench-venv}"
python="${PYTHON:-python3}"
py="$venv/bin/python"

log() { echo "setup-pytorch-venv: $*" >&2; }

# Exit 0 when every `name==version` line of the requirements file is installed in the venv.
pinned_ok() {
    "$py" - "$req" <<'EOF'
import re, sys
from importlib.metadata import version, PackageNotFoundError
bad = []
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, want = line.split("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        have = None
    # torch reports a local version (2.15.0+cu132): compare the public part.
    if have is None or have.split("+")[0] != want:
        bad.append(f"{name} {have or 'missing'} (want {want})")
if bad:
    print("not as pinned: " + ", ".join(bad[:5]) + (" ..." if len(bad) > 5 else ""), file=sys.stderr)
    sys.exit(1)
EOF
}

smoke() {
    "$py" -c 'import torch, transformers, safetensors, numpy
x = torch.ones(4, 4)
assert float((x @ x).sum()) == 64.0
print(f"torch {torch.__version__}, transformers {transformers.__version__}, "
      f"cpu capability {torch.backends.cpu.get_cpu_capability()}, mkldnn {torch.backends.mkldnn.is_available()}")' >&2
}

if [ -x "$py" ] && pinned_ok && said=$(smoke 2>&1); then
    log "$venv already has the pinned packages"
    echo "$said" >&2
    echo "$py"
    exit 0
fi

if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    log "$python is $("$python" --version 2>&1); torch 2.15 needs Python >= 3.11 (set PYTHON=...)"
    exit 1
fi

if [ -x "$py" ] && ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    log "$venv has an unusable or too old python: making it anew"
    "$python" -m venv --clear "$venv" >&2
elif [ ! -x "$py" ]; then
    log "making $venv with $("$python" --version 2>&1)"
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" >&2
fi

start=$(date +%s)
log "installing the pins of $req (a few GB the first time)"
# --no-deps: the requirements file is the whole lock; letting pip resolve torch's metadata
# would add triton, cusolver and the rest that the CPU path never loads (~1.3 GB).
# --no-cache-dir: the venv is the copy that is kept; a second one in pip's cache is waste.
"$py" -m pip install --disable-pip-version-check --no-cache-dir --no-deps -r "$req" >&2
pinned_ok
smoke
log "done in $(( $(date +%s) - start ))s; $(du -sh "$venv" 2>/dev/null | cut -f1) in $venv"
echo "$py"
