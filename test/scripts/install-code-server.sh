#!/usr/bin/env bash
# Installs what the host and end-to-end test tiers need on a bare Debian machine:
# the Debian packages that code-server's native modules build against, Chromium for
# Playwright, python3-venv for the model recipe's tests, and the pinned code-server
# (VS Code 1.100.3) from npm into a tools folder.
# Idempotent: every step is skipped when its result is already there.
#
#   ONDI_TOOLS_DIR  where code-server goes (default: <repo>/.tools, git-ignored)
#
# Prints the code-server executable's path as its last line.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
# code-server 4.100.3 pins @vscode/ripgrep 1.15.11, whose postinstall would download rg
# from the internet unless it finds this tarball in its cache folder first.
RIPGREP_PACKAGE_VERSION=1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools_dir="${ONDI_TOOLS_DIR:-$repo_root/.tools}"
install_dir="$tools_dir/code-server-$CODE_SERVER_VERSION"
code_server_bin="$install_dir/node_modules/.bin/code-server"

log() { echo "[install-code-server] $*" >&2; }

install_debian_packages() {
  local wanted=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium
                build-essential python3 python3-venv git ca-certificates strace)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    log "missing Debian packages: ${missing[*]} (run as root or install them first)"
    exit 1
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
}

seed_ripgrep_cache() {
  local cache_dir="$1/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
  mkdir -p "$cache_dir"
  if [ ! -s "$cache_dir/$RIPGREP_ASSET" ]; then
    local staging
    staging="$(mktemp -d)"
    cp /usr/bin/rg "$staging/rg"
    tar -czf "$cache_dir/$RIPGREP_ASSET" -C "$staging" rg
    rm -rf "$staging"
  fi
}

install_code_server() {
  if [ -x "$code_server_bin" ] && [ -f "$install_dir/.ondi-installed" ]; then
    log "code-server $CODE_SERVER_VERSION already installed in $install_dir"
    return
  fi
  log "installing code-server $CODE_SERVER_VERSION into $install_dir (builds native modules; takes minutes)"
  rm -rf "$install_dir"
  mkdir -p "$install_dir"
  local tmp="$tools_dir/tmp"
  mkdir -p "$tmp"
  seed_ripgrep_cache "$tmp"
  echo '{"name": "ondi-code-server", "private": true}' > "$install_dir/package.json"
  # unsafe_perm: code-server's postinstall refuses to run as root otherwise.
  # yes: node-pty's postinstall runs `npx node-gyp`, which would ask before installing.
  # TMPDIR: where @vscode/ripgrep looks for its cached download.
  (cd "$install_dir" &&
    TMPDIR="$tmp" npm_config_unsafe_perm=true npm_config_yes=true \
      npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >&2)
  "$code_server_bin" --version >&2
  touch "$install_dir/.ondi-installed"
}

install_debian_packages
install_code_server
echo "$code_server_bin"
