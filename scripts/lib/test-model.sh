# Sourced by the browser and A1111-client tests: picks the model the test server loads.
# Sets $model and $tokenizer from $EASEL_TEST_MODEL/$EASEL_TEST_TOKENIZER, else the oracle's tiny
# SD 1.x model, else the built-in model; exits 77 (ctest: skipped) when there is none. Needs $root.
oracle="${EASEL_ORACLE:-$root/../shared/oracle}"
model="${EASEL_TEST_MODEL:-}"
tokenizer="${EASEL_TEST_TOKENIZER:-}"
if [ -z "$model" ] && [ -f "$oracle/tiny-sd15/tiny-sd15.safetensors" ]; then
  model="$oracle/tiny-sd15/tiny-sd15.safetensors"
  tokenizer="$oracle/tiny-sd15/model/tokenizer"
fi
if [ -z "$model" ] && [ -f "$root/models/easel-shapes/easel-shapes.safetensors" ]; then
  model="$root/models/easel-shapes/easel-shapes.safetensors"
  tokenizer="$root/models/easel-shapes/tokenizer"
fi
[ -n "$model" ] || { echo "SKIP: no model to serve (set EASEL_TEST_MODEL or EASEL_ORACLE)"; exit 77; }
