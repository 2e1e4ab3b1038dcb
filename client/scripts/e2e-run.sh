#!/usr/bin/env bash
# Runs the real-editor end-to-end test: builds the .vsix (quick when up to date), installs it into
# code-server 4.100.3 (VS Code 1.100.3), drives it headless through Debian's chromium, and checks the
# rendered hints, hover, code lenses, a settings change and the restarts. Screenshots, the extension's
# log and the recorded `initialize` request land in client/e2e-artifacts/. Arguments go to e2e/run.mjs
# (e.g. --record ../tests/lsp/clients/vscode_1_100.json, --screenshot images/screenshot.png, --keep).
# Run client/scripts/e2e-install.sh first (once per machine).
set -euo pipefail
client="$(cd "$(dirname "$0")/.." && pwd)"
cd "$client"
start=$SECONDS

missing=()
[[ -x e2e/node_modules/.bin/code-server ]] || missing+=("code-server (client/e2e/node_modules)")
[[ -x ${CHROMIUM:-/usr/lib/chromium/chromium} ]] || missing+=("chromium (${CHROMIUM:-/usr/lib/chromium/chromium})")
command -v python3 >/dev/null || missing+=("python3")
if ((${#missing[@]})); then
    echo "e2e-run: not installed: ${missing[*]}; run client/scripts/e2e-install.sh first" >&2
    exit 1
fi

scripts/build-vsix.sh linux-x64
echo "e2e-run: build took $((SECONDS - start)) s"
exec node e2e/run.mjs "$@" # its last line is "N passed, N failed"
