#!/usr/bin/env bash
# Times `easel txt2img` with the built-in model the way a user runs it (a fresh process: model
# load, text encoder, 20 Euler a steps with CFG at 128x128, VAE decode, PNG write), N runs;
# prints each run's wall and CPU seconds and the median wall time. Not part of the test suite.
#   bash scripts/bench-builtin.sh [RUNS] [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
bin="${2:-$root/build}/easel"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$bin" txt2img -p "warm-up" --steps 1 -q -o "$out/warm" >/dev/null 2>"$out/err" || { cat "$out/err"; exit 1; }  # page + hash cache
walls=()
for i in $(seq 1 "$runs"); do
  /usr/bin/time -f "%e %U %S %M" -o "$out/t" "$bin" txt2img -p "a red circle on a blue background" \
    --sampler "Euler a" --steps 20 --seed "$i" -q -o "$out/img" >/dev/null 2>"$out/err" || { cat "$out/err"; exit 1; }
  read -r wall user sys rss < "$out/t"
  echo "run $i: ${wall} s wall, ${user} s user + ${sys} s sys, peak RSS $((rss / 1024)) MiB"
  walls+=("$wall")
done
median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
echo "median wall: ${median} s for one 128x128 image, 20 steps (nproc $(nproc), load $(cut -d' ' -f1 /proc/loadavg))"
