#!/bin/bash
# Starts (or resumes) tools/train/train.py in the background at the lowest CPU priority, detached
# from the terminal, logging to $DIR/nohup.log. Extra arguments go to train.py.
#   bash tools/train/run.sh [--steps N ...]
# `run.sh decoder [--steps N]` starts stage_decoder.py instead (the decoder fine-tune; it can run
# beside the diffusion stage), with its own pid file and decoder.nohup log.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
DIR="${EASEL_TRAIN_DIR:-/work/train-ckpt}"
mkdir -p "$DIR"
script=train.py name=train log=nohup.log
if [ "${1:-}" = decoder ]; then shift; script=stage_decoder.py name=decoder log=decoder.nohup; fi
if [ -f "$DIR/$name.pid" ] && kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null; then
  echo "already running: pid $(cat "$DIR/$name.pid")"; exit 1
fi
# Debian's torch links the reference BLAS (~7 GFLOP/s); OpenBLAS is ~20x faster for the
# attention/linear layers. Best is OpenBLAS built on OpenMP (libopenblas0-openmp): its GEMMs run on
# torch's own OpenMP pool, so both cores work in every op without a second set of threads. The
# pthread build (libopenblas0-pthread) is the fallback, with passive OpenMP waiting: its own BLAS
# threads and spinning OpenMP threads oversubscribe the 2 cores. Timed on one idle machine with the
# same script (batch 32 forward+backward+AdamW): openmp build, active waiting 0.78-0.85 s per step;
# openmp build, passive 0.99; pthread build, 2 BLAS threads, passive 1.05; 1 BLAS thread 1.20.
# Active waiting costs little when the machine is busy: at nice 19 the spinning threads get ~1.5 %
# of a core beside a normal-priority process.
blas=""
for flavour in openblas-openmp openblas-pthread; do
  for lib in /usr/lib/x86_64-linux-gnu/$flavour "$DIR/deb/root/usr/lib/x86_64-linux-gnu/$flavour"; do
    if [ -f "$lib/libblas.so.3" ]; then blas=$flavour; export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"; break 2; fi
  done
done
if [ "$blas" = openblas-pthread ]; then export OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=2; fi
# glibc.malloc.hugetlb=1: malloc asks for transparent huge pages. Torch frees and re-allocates its
# large activation blocks every call and glibc maps blocks over 32 MB fresh each time, so with 4 KiB
# pages the kernel zero-filled them at ~100k page faults/s (45 % system time): latent encoding ran
# at 3.7 img/s, with huge pages (and 5-image encoder chunks) at 33 img/s.
export GLIBC_TUNABLES=glibc.malloc.hugetlb=1
export OMP_NUM_THREADS=2 PYTHONUNBUFFERED=1 EASEL_TRAIN_DIR="$DIR"
setsid nohup nice -n 19 /usr/bin/python3 "$here/$script" --dir "$DIR" "$@" >>"$DIR/$log" 2>&1 < /dev/null &
echo $! > "$DIR/$name.pid"
echo "started pid $! ; log: $DIR/$name.log"
