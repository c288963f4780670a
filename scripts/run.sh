#!/usr/bin/env bash
# The main job: install dependencies, build, and run easel on the oracle tiny model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ORACLE=${EASEL_ORACLE:-$(cd .. && pwd)/shared/oracle}
./build/easel info "$ORACLE/tiny-sd15/tiny-sd15.safetensors"
