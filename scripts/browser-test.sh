#!/usr/bin/env bash
# Browser test of the web UI (tests/browser): headless Debian chromium via playwright-core.
# Usage: scripts/browser-test.sh BUILD_DIR. Exit 77 (ctest: skipped) only when node or
# chromium is not installed, or no model is available to serve.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
command -v node >/dev/null || { echo "SKIP: node is not installed (scripts/install-deps.sh installs it)"; exit 77; }
[ -x "$chromium" ] || { echo "SKIP: $chromium is not installed (scripts/install-deps.sh installs chromium)"; exit 77; }
source "$root/scripts/lib/test-model.sh"
cd "$root/tests/browser"
if [ ! -d node_modules/playwright-core ]; then npm ci --no-audit --no-fund; fi
export EASEL_BIN="$build/easel" EASEL_TEST_MODEL="$model" EASEL_TEST_TOKENIZER="$tokenizer" CHROMIUM="$chromium"
export EASEL_SCREENSHOT="${EASEL_SCREENSHOT:-$build/browser/easel-ui.png}"
exec timeout 300 node ui.test.mjs
