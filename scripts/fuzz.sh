#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the libFuzzer harnesses of tests/fuzz (README.md there), each for a given time, seeded from
# the shipped files and the committed reproducers, and prints executions, exec/s and the outcome.
#
#   scripts/fuzz.sh [-t SECONDS] [-n RUNS] [-s SEED] [-b BUILD_DIR] [harness ...]
#                   (default: 60 s each, all harnesses; -n stops a harness after RUNS executions
#                   if that comes first; -s fixes libFuzzer's random seed, so a run of a given
#                   RUNS count from a fresh corpus tries the same inputs every time: CI uses it,
#                   so a red CI is reproducible and never decided by the clock; campaigns omit it)
#
# Build the harnesses first: cmake --preset fuzz && cmake --build --preset fuzz
# The corpus each harness grows is kept in BUILD_DIR/fuzz/corpus/<harness>; findings (crash-*,
# leak-*, timeout-*, oom-*) land in BUILD_DIR/fuzz/findings/<harness>/. Exit status 1 if any
# harness found something.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs=-1
seed_opt=()
build=build-fuzz
while getopts "t:n:s:b:" opt; do
  case $opt in
    t) seconds=$OPTARG ;;
    n) runs=$OPTARG ;;
    s) seed_opt=(-seed="$OPTARG") ;;
    b) build=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-n RUNS] [-s SEED] [-b BUILD_DIR] [harness ...]" >&2; exit 1 ;;
  esac
done
shift $((OPTIND - 1))
all=(fuzz_arch_config fuzz_graph_json fuzz_onnx fuzz_scalesim_csv fuzz_npy fuzz_tensor_pb
     fuzz_graph_mapper fuzz_scalesim_cfg fuzz_sweep_spec fuzz_calib_image)
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=("${all[@]}")

bin_dir="$build/tests/fuzz"
work="$build/fuzz"
onnx_testdata=/usr/share/libonnx-testdata/data/node
ops_re='^test_(qlinear|convinteger|matmulinteger|conv|basic_conv|maxpool|gemm|matmul|quantizelinear|dequantizelinear|relu|flatten|reshape)'

# Shipped inputs of each kind, copied into the seed folder of a harness.
seed() {
  local h=$1 dir=$work/seeds/$1
  rm -rf "$dir" && mkdir -p "$dir"
  case $h in
    fuzz_arch_config)
      cp configs/*.json configs/eyeriss/*.json "$dir"/
      for f in tests/configs/invalid/*.json; do
        local name; name=$(basename "$f" .json)
        cp "$f" "$dir/invalid_$name.json"
        if [ -f "tests/configs/invalid/$name.set" ]; then
          while IFS= read -r line; do
            [ -n "$line" ] && printf '\n--set %s' "$line" >> "$dir/invalid_$name.json"
          done < "tests/configs/invalid/$name.set"
        fi
      done ;;
    fuzz_graph_json)
      cp workloads/models/*.json "$dir"/
      [ -d tests/invalid/graph ] && cp tests/invalid/graph/*.json "$dir"/ ;;
    fuzz_graph_mapper)  # the graphs the harness maps (at most 2^27 MACs)
      local i=0
      for f in workloads/models/{tiny_cnn,tiny_mlp,tiny_attention,ds_cnn_kws}.json; do
        { printf "\\x$(printf %02x $((i % 5)))"; cat "$f"; } > "$dir/$(basename "$f")"
        i=$((i + 1))
      done ;;
    fuzz_calib_image)  # first byte: 0 = a .pgm for [1,1,28,28], 0x81 = a .ppm for [1,3,32,32]
      for f in workloads/exported/fmnist_calib/*.pgm tests/invalid/calib/*.pgm; do
        { printf '\x00'; cat "$f"; } > "$dir/$(basename "$f")"
      done
      { printf '\x81P6\n# an RGB image\n32 32\n255\n'; head -c 3072 /dev/zero | tr '\0' '\200'; } \
        > "$dir/rgb_32x32.ppm" ;;
    fuzz_onnx)
      cp workloads/fashion_mnist/*.onnx "$dir"/
      [ -d tests/invalid/onnx ] && cp tests/invalid/onnx/*.onnx "$dir"/
      if [ -d $onnx_testdata ]; then
        for d in $(ls $onnx_testdata | grep -E "$ops_re"); do
          cp "$onnx_testdata/$d/model.onnx" "$dir/$d.onnx"
        done
      fi ;;
    fuzz_scalesim_cfg)  # SCALE-Sim's own shipped .cfg files (../shared/reference) when present
      cp tests/invalid/cfg/*.cfg "$dir"/
      for f in ../shared/reference/scalesim/configs/*.cfg; do [ -f "$f" ] && cp "$f" "$dir"/; done ;;
    fuzz_sweep_spec)  # the harness resolves paths from configs/sweeps; the corpus's are 3 deep
      cp configs/sweeps/*.json "$dir"/
      for f in tests/invalid/sweep/*.json; do
        sed 's#"\.\./\.\./\.\./#"../../#g' "$f" > "$dir/invalid_$(basename "$f")"
      done ;;
    fuzz_scalesim_csv)
      cp tests/data/scalesim/*.csv "$dir"/
      [ -d tests/invalid/csv ] && cp tests/invalid/csv/*.csv "$dir"/ ;;
    fuzz_npy)
      for f in workloads/fashion_mnist/test_data_set*/*.npy; do
        cp "$f" "$dir/$(basename "$(dirname "$f")")_$(basename "$f")"
      done
      [ -d tests/invalid/tensor ] && cp tests/invalid/tensor/*.npy "$dir"/ ;;
    fuzz_tensor_pb)
      for f in workloads/fashion_mnist/test_data_set*/*.pb; do
        cp "$f" "$dir/$(basename "$(dirname "$f")")_$(basename "$f")"
      done
      [ -d tests/invalid/tensor ] && cp tests/invalid/tensor/*.pb "$dir"/
      if [ -d $onnx_testdata ]; then
        for d in $(ls $onnx_testdata | grep -E "$ops_re"); do
          for f in "$onnx_testdata/$d"/test_data_set_0/*.pb; do
            cp "$f" "$dir/${d}_$(basename "$f")"
          done
        done
      fi ;;
  esac
  ls "$dir" | wc -l
}

# A dictionary of the quoted keys and strings of the JSON seeds (libFuzzer -dict format).
dictionary() {
  local dir=$1 out=$2
  grep -ohE '"[A-Za-z_][A-Za-z0-9_]{1,30}"' "$dir"/* 2>/dev/null | sort -u |
    sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/' > "$out"
}

status=0
printf '%-20s %10s %12s %10s  %s\n' harness seconds executions exec/s result
for h in "${harnesses[@]}"; do
  bin=$bin_dir/$h
  if [ ! -x "$bin" ]; then
    echo "$bin is missing: cmake --preset fuzz && cmake --build --preset fuzz" >&2
    exit 1
  fi
  n_seeds=$(seed "$h")
  corpus=$work/corpus/$h
  findings=$work/findings/$h
  mkdir -p "$corpus" "$findings"
  regressions=tests/fuzz/regressions/$h
  dirs=("$corpus" "$work/seeds/$h")
  [ -d "$regressions" ] && dirs+=("$regressions")
  extra=()
  case $h in
    fuzz_arch_config | fuzz_graph_json | fuzz_graph_mapper | fuzz_sweep_spec)
      dictionary "$work/seeds/$h" "$work/$h.dict"
      printf '"--set "\n' >> "$work/$h.dict"
      extra=(-dict="$work/$h.dict") ;;
  esac
  log=$work/$h.log
  start=$(date +%s)
  # Inputs go through files: keep them in memory (/dev/shm) when there is one.
  [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && export TMPDIR=/dev/shm
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1} \
    nice -n 19 "$bin" -max_total_time="$seconds" -runs="$runs" -timeout=20 -rss_limit_mb=2048 \
      -malloc_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$findings/" \
      "${seed_opt[@]}" "${extra[@]}" "${dirs[@]}" > "$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  rate=$(grep -oE 'stat::average_exec_per_sec: *[0-9]+' "$log" | grep -oE '[0-9]+$' | tail -1)
  if [ $rc -eq 0 ]; then
    result="ok ($n_seeds seeds)"
  else
    result="FINDING (exit $rc): see $log and $findings/"
    status=1
  fi
  printf '%-20s %10s %12s %10s  %s\n' "$h" "$took" "${execs:-?}" "${rate:-?}" "$result"
  [ $rc -ne 0 ] && grep -m5 -E 'FUZZ FINDING|ERROR: |runtime error' "$log" >&2
done
exit $status
