#!/usr/bin/env bash
# Idempotent set-up for a fresh Debian machine. Each step checks before it acts, so a second run
# takes a second or two, and prints one line at the end unless it installed something.
#
#   scripts/setup.sh          what building and serving need (`npm start`): the Rust wasm targets,
#                             wasm-bindgen-cli (matching Cargo.lock) and the npm packages
#   scripts/setup.sh --test   and what only the tests need (`npm test`): wasm-tools, wac,
#                             wit-bindgen-cli, componentize-py, clang/wasi-libc, Chromium and
#                             docker-registry
set -euo pipefail

with_test_tools=false
case "${1:-}" in
  --test) with_test_tools=true ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test]" >&2; exit 2 ;;
esac

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

# Never let an npm package try to download its own browser build.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if [ -d "$HOME/.cargo/bin" ]; then
  case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

ready=()
# A step that found its tool in place is listed in the closing line; one that acts says so at once.
step() {
  case "$2" in
    ok*) ready+=("$1") ;;
    *) printf 'setup: %-22s %s\n' "$1" "$2" ;;
  esac
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# --- 1. Rust targets -------------------------------------------------------
if ! command -v cargo >/dev/null 2>&1 || ! command -v rustup >/dev/null 2>&1; then
  echo "setup: cargo/rustup not found; install Rust with rustup first" >&2
  exit 1
fi
installed_targets="$(rustup target list --installed 2>/dev/null || true)"
missing_targets=()
for t in wasm32-unknown-unknown wasm32-wasip2; do
  grep -qx "$t" <<<"$installed_targets" || missing_targets+=("$t")
done
if [ "${#missing_targets[@]}" -eq 0 ]; then
  step "rust targets" "ok (wasm32-unknown-unknown wasm32-wasip2)"
else
  step "rust targets" "adding ${missing_targets[*]}"
  rustup target add "${missing_targets[@]}"
fi

# --- 2. wasm-bindgen-cli ---------------------------------------------------
# The CLI must match the wasm-bindgen crate exactly; read it from Cargo.lock,
# falling back to the `=X.Y.Z` pin in web/Cargo.toml.
wb_version=""
if [ -f Cargo.lock ]; then
  wb_version="$(awk '
    /^\[\[package\]\]/ { name = "" }
    /^name = / { name = $3; gsub(/"/, "", name) }
    /^version = / && name == "wasm-bindgen" { v = $3; gsub(/"/, "", v); print v; exit }
  ' Cargo.lock)"
fi
if [ -z "$wb_version" ] && [ -f web/Cargo.toml ]; then
  wb_version="$(sed -nE 's/^wasm-bindgen[[:space:]]*=.*"=?([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' web/Cargo.toml | head -n1)"
fi
if [ -z "$wb_version" ]; then
  step "wasm-bindgen-cli" "skipped (no wasm-bindgen in Cargo.lock or web/Cargo.toml yet)"
else
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" = "$wb_version" ]; then
    step "wasm-bindgen-cli" "ok ($wb_version)"
  else
    step "wasm-bindgen-cli" "installing $wb_version (had: ${have:-none}); takes a few minutes"
    # No --locked: a dependency locked upstream is missing on the registry mirror.
    cargo install --quiet wasm-bindgen-cli --version "$wb_version" --force
  fi
fi

# --- 3. npm dependencies ---------------------------------------------------
stamp="node_modules/.terrarium-setup-stamp"
if [ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && [ ! package.json -nt "$stamp" ]; then
  step "npm packages" "ok"
else
  step "npm packages" "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

if [ "$with_test_tools" = false ]; then
  echo "setup: ready (${ready[*]})"
  exit 0
fi

# --- 4. (tests) component tools the tests build guests with ---------------
# wasm-tools turns the hand-written .wat test components into binaries; wac composes guests.
install_tool() { # <binary> <crate> <version>
  local have
  have="$("$1" --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" = "$3" ]; then
    step "$2" "ok ($3)"
  else
    step "$2" "installing $3 (had: ${have:-none}); takes a few minutes"
    cargo install --quiet "$2" --version "$3" --force
  fi
}
install_tool wasm-tools wasm-tools 1.243.0
install_tool wac wac-cli 0.12.0
# wit-bindgen's C generator, for the C test guest (tests/toolchains/c).
install_tool wit-bindgen wit-bindgen-cli 0.63.0

# componentize-py builds the Python test guest (a wheel with its own binary, from PyPI).
cpy_version=0.25.1
if [ "$(componentize-py --version 2>/dev/null | awk '{print $2}')" = "$cpy_version" ]; then
  step "componentize-py" "ok ($cpy_version)"
else
  step "componentize-py" "pip install componentize-py==$cpy_version"
  python3 -m pip install --quiet --disable-pip-version-check "componentize-py==$cpy_version"
fi

# --- 5. (tests) C toolchain for the C guest (Debian: clang, lld, wasi-libc)
c_packages="clang lld wasi-libc libclang-rt-14-dev-wasm32"
if dpkg-query -W -f='${Status}\n' $c_packages 2>/dev/null | grep -vq "install ok installed" \
  || [ "$(dpkg-query -W -f='${Status}\n' $c_packages 2>/dev/null | wc -l)" -ne 4 ]; then
  step "c toolchain" "apt-get install $c_packages"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y $c_packages
else
  step "c toolchain" "ok"
fi

# --- 6. (tests) Chromium (Debian's, used by Playwright) --------------------
if [ -x /usr/bin/chromium ]; then
  step "chromium" "ok (/usr/bin/chromium)"
else
  step "chromium" "apt-get install chromium"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y chromium
fi

# --- 7. (tests) an OCI registry for tests/node/oci.test.mjs (Debian's docker-registry) ---
if [ -x /usr/bin/docker-registry ]; then
  step "docker-registry" "ok (/usr/bin/docker-registry)"
else
  step "docker-registry" "apt-get install docker-registry"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update
  as_root apt-get install -y docker-registry
fi

echo "setup: ready (${ready[*]})"
