#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/fuzz_*.cpp) with clang + ASan/UBSan and runs each for
# SECONDS (default 60) on a seed corpus generated here. Exit 77 (skip) without clang/libFuzzer.
#   scripts/fuzz.sh [SECONDS]     env: FUZZ_BUILD_DIR (default build-fuzz), FUZZ_TARGETS, FUZZ_JOBS
set -euo pipefail
cd "$(dirname "$0")/.."
SECS=${1:-60}
B=$(realpath -m "${FUZZ_BUILD_DIR:-build-fuzz}")
TARGETS=${FUZZ_TARGETS:-"fuzz_safetensors fuzz_pickle fuzz_ckpt"}
ORACLE=${EASEL_ORACLE:-$(cd .. && pwd)/shared/oracle}

if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "fuzz: clang not installed, skipping"; exit 77
fi
probe=$(mktemp -d)
echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cpp"
if ! clang++ -fsanitize=fuzzer "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
  rm -rf "$probe"; echo "fuzz: libFuzzer runtime missing (libclang-rt-*-dev), skipping"; exit 77
fi
rm -rf "$probe"

cmake -S . -B "$B" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEASEL_FUZZ=ON -DEASEL_TESTS=OFF >/dev/null
# shellcheck disable=SC2086
cmake --build "$B" --target $TARGETS -j"${FUZZ_JOBS:-2}" >/dev/null

# ---- seed corpus -------------------------------------------------------------------------
le() {  # le VALUE BYTES: little-endian binary
  local v=$1 n=$2 i
  for ((i = 0; i < n; i++)); do printf "\\x$(printf %02x $(((v >> (8 * i)) & 255)))"; done
}
str() { printf 'X'; le ${#1} 4; printf '%s' "$1"; }  # BINUNICODE
S="$B/seeds"
rm -rf "$S"
mkdir -p "$S/fuzz_safetensors" "$S/fuzz_pickle" "$S/fuzz_ckpt"

st_seed() {  # st_seed FILE HEADER DATA...
  local f=$1 h=$2
  shift 2
  while (((${#h} + 8) % 8)); do h="$h "; done
  { le ${#h} 8; printf '%s' "$h"; printf "$@"; } >"$f"
}
st_seed "$S/fuzz_safetensors/two" \
  '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1,2],"data_offsets":[8,12]},"__metadata__":{"format":"pt"}}' \
  '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x3c\x00\x40'
st_seed "$S/fuzz_safetensors/dtypes" \
  '{"c":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]},"d":{"dtype":"F8_E4M3","shape":[2,1],"data_offsets":[4,6]},"e":{"dtype":"I64","shape":[],"data_offsets":[6,14]},"f":{"dtype":"BOOL","shape":[0],"data_offsets":[14,14]}}' \
  '\x80\x3f\x00\x40\x38\x40\x01\x00\x00\x00\x00\x00\x00\x00'
# Small complete real files (large ones would slow every execution).
for f in "$ORACLE"/*/*.safetensors "$ORACLE"/*/golden/*.safetensors; do
  [ -f "$f" ] && [ "$(wc -c <"$f")" -le 32768 ] &&
    cp "$f" "$S/fuzz_safetensors/oracle-$(basename "$(dirname "$f")")-$(basename "$f")"
done

# Pickles: a torch state dict with one tensor; protocol-4 framing; a numpy global_step.
TENSOR_PKL="$B/seeds/tensor.pkl"
{
  printf '\x80\x02}q\x00('; str w
  printf 'ctorch._utils\n_rebuild_tensor_v2\nq\x01(('; str storage
  printf 'ctorch\nFloatStorage\nq\x02'; str 0; str cpu
  printf 'K\x02tQK\x00K\x02\x85K\x01\x85\x89ccollections\nOrderedDict\n)Rq\x03tR'
  str h; printf 'h\x01(('; str storage; printf 'h\x02'; str 1; str cpu
  printf 'K\x04tQK\x00K\x02K\x02\x86K\x01K\x02\x86\x89h\x03tRu.'
} >"$TENSOR_PKL"
cp "$TENSOR_PKL" "$S/fuzz_pickle/tensor"
{
  printf '\x80\x04\x95'; le 40 8
  printf '\x8c\x0bcollections\x94\x8c\x0bOrderedDict\x94\x93\x94)R\x94(\x8c\x01a\x94K\x01\x8c\x01b\x94\x8f(K\x01K\x02\x90u.'
} >"$S/fuzz_pickle/proto4"
{
  printf '\x80\x02}('; str global_step
  printf 'cnumpy.core.multiarray\nscalar\ncnumpy\ndtype\n'; str i8
  printf '\x89\x88\x87R(K\x03'; str '<'
  printf 'NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tbc_codecs\nencode\n'; printf 'X\x08\x00\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00'; str latin1
  printf '\x86R\x86R'; str epoch; printf 'G\x3f\xf0\x00\x00\x00\x00\x00\x00'
  printf 'S'"'"'old\\x41'"'"'\nI01\nL12345678901234567890L\n]q\x05(N\x88\x89e(K\x01K\x02lg5\nu.'
} >"$S/fuzz_pickle/numpy"
if command -v unzip >/dev/null && [ -f "$ORACLE/tiny-sd15/tiny-sd15.ckpt" ]; then
  unzip -p "$ORACLE/tiny-sd15/tiny-sd15.ckpt" '*/data.pkl' | head -c 8192 >"$S/fuzz_pickle/oracle-head" || true
fi

# A stored (uncompressed) torch zip: archive/{data.pkl,data/0,data/1,byteorder}.
zip_seed() {  # zip_seed OUT NAME FILE [NAME FILE]...
  local out=$1 off=0 cd="" n=0
  shift
  : >"$out"
  while [ $# -gt 0 ]; do
    local name=$1 file=$2 size
    size=$(wc -c <"$file")
    { printf 'PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00'; le 0 4; le "$size" 4; le "$size" 4
      le ${#name} 2; le 0 2; printf '%s' "$name"; cat "$file"; } >>"$out"
    cd+=$(printf 'PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00' | od -An -tx1 | tr -d ' \n')
    cd+=$( { le 0 4; le "$size" 4; le "$size" 4; le ${#name} 2; le 0 2; le 0 2; le 0 2; le 0 2; le 0 4; le $off 4
             printf '%s' "$name"; } | od -An -tx1 | tr -d ' \n')
    off=$((off + 30 + ${#name} + size))
    n=$((n + 1))
    shift 2
  done
  local cdbin="$out.cd"
  printf '%s' "$cd" | sed 's/../\\x&/g' | xargs -0 printf >"$cdbin"
  local cdsize
  cdsize=$(wc -c <"$cdbin")
  { cat "$cdbin"; printf 'PK\x05\x06'; le 0 4; le $n 2; le $n 2; le "$cdsize" 4; le $off 4; le 0 2; } >>"$out"
  rm -f "$cdbin"
}
printf '\x00\x00\x80\x3f\x00\x00\x00\x40' >"$B/seeds/s0"
printf '\x00\x00\x80\x3f\x00\x00\x00\x40\x00\x00\x40\x40\x00\x00\x80\x40' >"$B/seeds/s1"
printf 'little' >"$B/seeds/bo"
zip_seed "$S/fuzz_ckpt/tiny" archive/data.pkl "$TENSOR_PKL" archive/data/0 "$B/seeds/s0" \
  archive/data/1 "$B/seeds/s1" archive/byteorder "$B/seeds/bo"

# ---- run ---------------------------------------------------------------------------------
mkdir -p "$B/corpus" "$B/artifacts"
status=0
for t in $TARGETS; do
  mkdir -p "$B/corpus/$t"
  log="$B/$t.log"
  if "$B/$t" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$B/artifacts/$t-" "$B/corpus/$t" "$S/$t" >"$log" 2>&1; then
    res=ok
  else
    res=FAILED status=1
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -5 || true
  fi
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 || true)
  echo "fuzz: $t ${SECS}s: $execs executions, $cov, corpus $(ls "$B/corpus/$t" | wc -l) files: $res (log $log)"
done
exit $status
