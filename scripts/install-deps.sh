#!/usr/bin/env bash
# Installs every system package easel needs to build and test on Debian 12.
# Idempotent: re-running only installs what is missing.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
PKGS=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev            # libFuzzer targets
  libdnnl-dev                         # oneDNN: conv + matmul on CPU
  libpng-dev libjpeg-dev libwebp-dev zlib1g-dev libzip-dev
  nlohmann-json3-dev libcpp-httplib-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libutf8proc-dev                     # unicode normalisation for the CLIP tokenizer
  libssl-dev                          # SHA-256 model hashes (libcrypto)
  libsleef-dev                        # SLEEF acos/sin, as torch's AVX2 kernels (A1111 variation seeds)
  chromium                            # headless browser for the web UI test (tests/browser)
  time                                # /usr/bin/time: peak RSS in scripts/bench-builtin.sh
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# node + npm for the browser test (playwright-core); a node that is already there is kept.
if ! command -v npm >/dev/null; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
