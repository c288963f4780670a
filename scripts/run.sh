#!/usr/bin/env bash
# The main job: install dependencies, build, and generate an image.
# Until easel's built-in model ships, the image comes from the oracle's tiny random-weight SD 1.x
# model (colourful noise, but produced by the full A1111-exact pipeline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ORACLE=${EASEL_ORACLE:-$(cd .. && pwd)/shared/oracle}
./build/easel info "$ORACLE/tiny-sd15/model"
./build/easel txt2img -m "$ORACLE/tiny-sd15/model" -p "a cute cat, cyberpunk art" -n "blurry" \
  --sampler "DPM++ 2M" --scheduler Karras --steps 20 --seed 42 -W 256 -H 256 -o outputs/txt2img-images
./build/easel pnginfo "$(ls -1 outputs/txt2img-images/*.png | tail -n 1)"
