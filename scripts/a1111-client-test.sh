#!/usr/bin/env bash
# A1111 API compatibility (tests/a1111-client): the unmodified npm client `stable-diffusion-api`
# against `easel serve` on an ephemeral loopback port.
# Usage: scripts/a1111-client-test.sh BUILD_DIR. Exit 77 (ctest: skipped) only when node or npm
# is not installed, or no model is available to serve.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
command -v node >/dev/null || { echo "SKIP: node is not installed (scripts/install-deps.sh installs it)"; exit 77; }
command -v npm >/dev/null || { echo "SKIP: npm is not installed (scripts/install-deps.sh installs it)"; exit 77; }
source "$root/scripts/lib/test-model.sh"
cd "$root/tests/a1111-client"
# The lock file pins the client (and its dependencies) exactly; reinstall only when it changed.
if ! cmp -s package-lock.json node_modules/.easel-installed-lock.json 2>/dev/null; then
  timeout 300 npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.easel-installed-lock.json
fi
export EASEL_BIN="$build/easel" EASEL_TEST_MODEL="$model" EASEL_TEST_TOKENIZER="$tokenizer"
exec timeout 300 node client.test.mjs
