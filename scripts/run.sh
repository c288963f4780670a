#!/usr/bin/env bash
# The main job: install dependencies, build, and generate an image with easel's built-in model
# (models/easel-shapes, trained by tools/train: shapes in named colours and positions, 128x128).
# Until the trained export is committed, the oracle's tiny random-weight SD 1.x model is used
# instead (colourful noise, but produced by the full A1111-exact pipeline).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mkdir -p outputs/txt2img-images
if [ -f models/easel-shapes/easel-shapes.safetensors ]; then
  ./build/easel info models/easel-shapes/easel-shapes.safetensors
  # No -m: the built-in model, at the size it was trained at (128x128).
  ./build/easel txt2img -p "a red circle on a blue background" --sampler "Euler a" --steps 20 --seed 42 \
    -o outputs/txt2img-images
else
  ORACLE=${EASEL_ORACLE:-$(cd .. && pwd)/shared/oracle}
  echo "run.sh: the built-in model is not in models/easel-shapes yet; using $ORACLE/tiny-sd15"
  ./build/easel info "$ORACLE/tiny-sd15/model"
  ./build/easel txt2img -m "$ORACLE/tiny-sd15/model" -p "a cute cat, cyberpunk art" -n "blurry" \
    --sampler "DPM++ 2M" --scheduler Karras --steps 20 --seed 42 -W 256 -H 256 -o outputs/txt2img-images
fi
./build/easel pnginfo "$(ls -1t outputs/txt2img-images/*.png | head -n 1)"
