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
oracle="${EASEL_ORACLE:-$root/../shared/oracle}"
model="${EASEL_TEST_MODEL:-}"
tokenizer="${EASEL_TEST_TOKENIZER:-}"
if [ -z "$model" ] && [ -f "$oracle/tiny-sd15/tiny-sd15.safetensors" ]; then
  model="$oracle/tiny-sd15/tiny-sd15.safetensors"
  tokenizer="$oracle/tiny-sd15/model/tokenizer"
fi
if [ -z "$model" ] && [ -d "$root/models/easel-shapes" ]; then model="$root/models/easel-shapes"; fi
[ -n "$model" ] || { echo "SKIP: no model to serve (set EASEL_TEST_MODEL or EASEL_ORACLE)"; exit 77; }
cd "$root/tests/a1111-client"
# The lock file pins the client (and its dependencies) exactly; reinstall only when it changed.
if ! cmp -s package-lock.json node_modules/.easel-installed-lock.json 2>/dev/null; then
  timeout 300 npm ci --no-audit --no-fund
  cp package-lock.json node_modules/.easel-installed-lock.json
fi
export EASEL_BIN="$build/easel" EASEL_TEST_MODEL="$model" EASEL_TEST_TOKENIZER="$tokenizer"
exec timeout 300 node client.test.mjs
