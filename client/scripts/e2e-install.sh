#!/usr/bin/env bash
# Installs everything the real-editor end-to-end test needs, from scratch on Debian 12 (as root), and
# is quick when it is all there already: Debian's chromium, ripgrep and kerberos headers; code-server
# 4.100.3 (VS Code 1.100.3, the newest whose install accepts Node 20) and playwright-core from npm;
# the extension's own build tools. Only the Debian, npm and PyPI registries are needed.
set -euo pipefail
client="$(cd "$(dirname "$0")/.." && pwd)"
start=$SECONDS

# 0. Node 20 (code-server 4.100.3's install script accepts exactly that major version; Debian 12's own
#    nodejs is 18, so Node comes from the machine's set-up, as for building the extension).
if ! node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || [[ $node_major != 20 ]]; then
    echo "e2e-install: needs Node 20 with npm on PATH (found: $(node --version 2>/dev/null || echo none))" >&2
    exit 1
fi

# 1. Debian packages. chromium is driven by playwright-core (which, unlike `playwright`, downloads no
#    browser); ripgrep stands in for the binary code-server's @vscode/ripgrep would fetch from GitHub;
#    libkrb5-dev and a compiler build code-server's native modules.
packages=(chromium ripgrep libkrb5-dev g++ make python3 python3-pip python3-venv ca-certificates)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
    if [[ $(id -u) != 0 ]]; then
        echo "e2e-install: needs root to install Debian packages: ${missing[*]}" >&2
        exit 1
    fi
    echo "e2e-install: apt-get install ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. @vscode/ripgrep's postinstall looks for this cached archive before trying GitHub: give it Debian's rg.
cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s $archive ]]; then
    mkdir -p "$cache"
    staging="$(mktemp -d)"
    cp "$(command -v rg)" "$staging/rg"
    tar -czf "$archive" -C "$staging" rg
    rm -rf "$staging"
fi

# 3. code-server and playwright-core, from the lock file. node-pty's postinstall runs `npx node-gyp`,
#    which npm's `yes=false` would cancel; code-server's own install scripts must run (--unsafe-perm).
e2e="$client/e2e"
if [[ ! -f $e2e/node_modules/.installed || $e2e/package-lock.json -nt $e2e/node_modules/.installed ]]; then
    echo "e2e-install: npm ci (code-server, playwright-core)"
    (cd "$e2e" && npm_config_yes=true npm ci --unsafe-perm --no-audit --no-fund --loglevel=error)
    touch "$e2e/node_modules/.installed"
fi
# A later npm may skip install scripts it does not trust, leaving code-server half-installed: check.
# (with a scratch HOME: code-server writes a config file and logs under it even for --version)
scratch="$(mktemp -d)"
version="$(HOME=$scratch XDG_CONFIG_HOME=$scratch XDG_DATA_HOME=$scratch "$e2e/node_modules/.bin/code-server" --version 2>/dev/null | tail -1 || true)"
rm -rf "$scratch"
if [[ $version != 4.100.3* ]]; then
    echo "e2e-install: code-server did not install completely (got '${version:-nothing}'); remove $e2e/node_modules and retry" >&2
    exit 1
fi

# 4. The extension's build tools (esbuild, TypeScript, vsce, the language client).
if [[ ! -f $client/node_modules/.installed || $client/package-lock.json -nt $client/node_modules/.installed ]]; then
    echo "e2e-install: npm ci (extension build tools)"
    (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$client/node_modules/.installed"
fi
echo "e2e-install: ready (code-server $version, $(/usr/lib/chromium/chromium --version 2>/dev/null)) in $((SECONDS - start)) s"
