#!/usr/bin/env bash
# Builds the VS Code extension from a fresh clone: client/dist/rnnlens-VERSION-TARGET.vsix for each
# target given (default: linux-x64; `all` for every target the bundled libraries exist for). Needs
# Node 20+ with npm, and Python 3 with pip (the server's libraries are downloaded from PyPI as wheels
# for each supported Python, 3.10–3.14, and the target's platform). Idempotent: quick when up to date.
set -euo pipefail
client="$(cd "$(dirname "$0")/.." && pwd)"
cd "$client"
start=$SECONDS

targets=("$@")
if ((${#targets[@]} == 0)); then
    targets=(linux-x64)
elif [[ ${targets[*]} == all ]]; then
    targets=(linux-x64 linux-arm64 alpine-x64 darwin-x64 darwin-arm64 win32-x64 win32-arm64)
fi

python="${PYTHON:-python3}"
if ! "$python" -m pip --version >/dev/null 2>&1; then
    echo "build-vsix: $python has no pip (Debian: apt-get install python3-pip); set PYTHON to another Python 3" >&2
    exit 1
fi

if [[ ! -f node_modules/.installed || package-lock.json -nt node_modules/.installed ]]; then
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.installed
fi
npx tsc --noEmit -p .
node scripts/esbuild.mjs --production

version="$(node -p 'require("./package.json").version')"
mkdir -p dist
for target in "${targets[@]}"; do
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$python" scripts/bundle_python.py --target "$target"
    out="dist/rnnlens-$version-$target.vsix"
    npx vsce package --no-dependencies --no-rewrite-relative-links --allow-missing-repository \
        --target "$target" --out "$out" >/dev/null
    echo "build-vsix: $out ($(du -h "$out" | cut -f1))"
done
# Leave the host's bundle in place for the unit tests and a local run.
if [[ ${targets[-1]} != linux-x64 && $(uname -sm) == "Linux x86_64" ]]; then
    "$python" scripts/bundle_python.py --target linux-x64
fi
echo "build-vsix: done in $((SECONDS - start)) s"
