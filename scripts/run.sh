#!/usr/bin/env bash
# The main job: install dependencies, build, and generate an image with easel's built-in model
# (models/easel-shapes, trained by tools/train: shapes in named colours and positions, 128x128).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
mkdir -p outputs/txt2img-images
./build/easel info models/easel-shapes/easel-shapes.safetensors
# No -m: the built-in model, at the size it was trained at (128x128).
./build/easel txt2img -p "a red circle on a blue background" --sampler "Euler a" --steps 20 --seed 42 \
  -o outputs/txt2img-images
./build/easel pnginfo "$(ls -1t outputs/txt2img-images/*.png | head -n 1)"
