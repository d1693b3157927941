#!/usr/bin/env bash
# End-to-end test of the real desktop binary: Xvfb + tauri-driver + WebKitWebDriver, driven by WebdriverIO.
#
# Expects the binaries already built (from the repo root):
#   ui/node_modules/.bin/tauri build --debug --no-bundle     # → target/debug/affops (with ui/dist inside)
#   cargo build -p affops-cli                                # → target/debug/affops-cli
# (`cargo build`/`cargo test` of the workspace overwrite target/debug/affops with a binary that has no frontend inside:
# build it with the Tauri CLI again after them.)
# Overrides: AFFOPS_BIN, AFFOPS_CLI (binary paths), KEEP_E2E_TMP=1 (keep the per-run temp folder), E2E_ONLY=PATTERN
# (run only the tests whose name matches; the other tests' screenshots are kept).
# Needs: xvfb-run (xvfb xauth), /usr/bin/WebKitWebDriver (webkit2gtk-driver), tauri-driver (installed here if
# missing). Screenshots and the driver log land in tests/e2e/artifacts/ (git-ignored).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

AFFOPS_BIN="$(realpath -m "${AFFOPS_BIN:-$ROOT/target/debug/affops}")"
AFFOPS_CLI="$(realpath -m "${AFFOPS_CLI:-$ROOT/target/debug/affops-cli}")"

fail() { echo "e2e: $*" >&2; exit 1; }

[[ -x "$AFFOPS_BIN" ]] || fail "app binary not found at $AFFOPS_BIN (build it: ui/node_modules/.bin/tauri build --debug --no-bundle, or set AFFOPS_BIN)"
[[ -x "$AFFOPS_CLI" ]] || fail "CLI binary not found at $AFFOPS_CLI (build it: cargo build -p affops-cli, or set AFFOPS_CLI)"
[[ -x /usr/bin/WebKitWebDriver ]] || fail "/usr/bin/WebKitWebDriver missing (apt-get install webkit2gtk-driver)"
command -v xvfb-run >/dev/null || fail "xvfb-run missing (apt-get install xvfb xauth)"

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
if ! command -v tauri-driver >/dev/null; then
  echo "e2e: installing tauri-driver (cargo install tauri-driver --locked)"
  cargo install tauri-driver --locked
fi

if [[ ! -d "$HERE/node_modules" ]]; then
  echo "e2e: npm ci in tests/e2e"
  (cd "$HERE" && npm ci --no-audit --no-fund)
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/affops-e2e.XXXXXX")"
cleanup() {
  if [[ "${KEEP_E2E_TMP:-}" == 1 ]]; then echo "e2e: kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

# Nothing may touch the real home: WebKit caches, app config and the runtime dir all live in this run's folder.
mkdir -p "$TMP/data" "$TMP/cache" "$TMP/config" "$TMP/runtime" "$TMP/app" "$TMP/cli"
chmod 700 "$TMP/runtime"
export XDG_DATA_HOME="$TMP/data" XDG_CACHE_HOME="$TMP/cache" XDG_CONFIG_HOME="$TMP/config"
export XDG_RUNTIME_DIR="$TMP/runtime"

ARTIFACTS="$HERE/artifacts"
mkdir -p "$ARTIFACTS"
[[ -n "${E2E_ONLY:-}" ]] || rm -f "$ARTIFACTS"/*.png
rm -f "$ARTIFACTS"/tauri-driver.log

export AFFOPS_BIN AFFOPS_CLI AFFOPS_E2E_TMP="$TMP" AFFOPS_E2E_ARTIFACTS="$ARTIFACTS"

echo "e2e: app=$AFFOPS_BIN cli=$AFFOPS_CLI tmp=$TMP"
cd "$HERE"
xvfb-run -a --server-args="-screen 0 1400x1000x24" \
  node --test --test-reporter=spec ${E2E_ONLY:+--test-name-pattern="$E2E_ONLY"} dashboard.test.mjs
