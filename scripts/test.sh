#!/usr/bin/env bash
# The whole test suite: install dependencies, build, run every test (ctest). Used by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
export EASEL_ORACLE=${EASEL_ORACLE:-$(cd .. && pwd)/shared/oracle}
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure
