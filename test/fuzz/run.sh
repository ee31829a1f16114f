#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined,
# no recovery) and runs each for a bounded time from its committed seed corpus.
# Fails on any crash, sanitizer report, broken invariant or timeout.
#
#   test/fuzz/run.sh                 # every target, FUZZ_SECONDS (default 30) each
#   FUZZ_SECONDS=300 test/fuzz/run.sh scan
#   test/fuzz/run.sh json build-fuzz/artifacts/crash-...   # replay one input
#
# New inputs libFuzzer finds go to build-fuzz/corpus/<target> (not the repo);
# a crashing input is saved as build-fuzz/artifacts/<target>-crash-*.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${FUZZ_BUILD_DIR:-build-fuzz}
SECS=${FUZZ_SECONDS:-30}
CXX=${FUZZ_CXX:-clang++}
JOBS=${FUZZ_JOBS:-2}
TARGETS=(json url scan)
if [ $# -gt 0 ]; then TARGETS=("$1"); shift; fi

command -v "$CXX" >/dev/null || { echo "fuzz: $CXX not found (scripts/install-deps.sh installs clang)" >&2; exit 1; }
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
CXXFLAGS="-std=c++17 -O1 -g -fno-omit-frame-pointer -Wall -Wno-unneeded-internal-declaration -Isrc -Itest/fuzz $SAN"
mkdir -p "$OUT/obj" "$OUT/artifacts"

# Objects: the engine and API declarations with coverage instrumentation. The
# real HTTP client (src/engine/http/http*.cpp) is compiled with its class renamed: fake_http.cpp defines
# HttpClient and answers from the fuzz input instead of the network.
compile() {  # src obj extra-flags...
  local src=$1 obj=$2
  shift 2
  if [ "$obj" -nt "$src" ] && [ -z "$(find src test/fuzz -name '*.h' -newer "$obj" -print -quit)" ]; then return 0; fi
  "$CXX" $CXXFLAGS -fsanitize=fuzzer-no-link "$@" -c "$src" -o "$obj"
}
export -f compile
export CXX CXXFLAGS
{
  for f in src/engine/*/*.cpp src/apis/*.cpp; do
    line="$f $OUT/obj/$(echo "${f%.cpp}" | tr / _).o"
    case "$f" in src/engine/http/http*.cpp) line="$line -DHttpClient=RealHttpClient" ;; esac
    echo "$line"
  done
  echo "test/fuzz/fake_http.cpp $OUT/obj/fake_http.o"
  for t in json url scan; do echo "test/fuzz/fuzz_$t.cpp $OUT/obj/fuzz_$t.o"; done
} | xargs -P "$JOBS" -L 1 bash -c 'compile "$@"' _ || { echo "fuzz: build failed" >&2; exit 1; }

ENGINE_OBJS=$(ls "$OUT"/obj/src_*.o)
for t in json url scan; do
  "$CXX" $SAN -fsanitize=fuzzer "$OUT/obj/fuzz_$t.o" "$OUT/obj/fake_http.o" $ENGINE_OBJS -lcurl -o "$OUT/fuzz_$t"
done

status=0
for t in "${TARGETS[@]}"; do
  if [ $# -gt 0 ]; then  # replay inputs
    "$OUT/fuzz_$t" "$@" || status=1
    continue
  fi
  echo "== fuzz_$t: ${SECS}s from test/fuzz/corpus/$t"
  mkdir -p "$OUT/corpus/$t"
  if ! "$OUT/fuzz_$t" -max_total_time="$SECS" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
      -print_final_stats=1 -artifact_prefix="$OUT/artifacts/$t-" "$OUT/corpus/$t" "test/fuzz/corpus/$t" \
      >"$OUT/fuzz_$t.log" 2>&1; then
    echo "fuzz_$t FAILED; the end of its log ($OUT/fuzz_$t.log):"
    tail -n 60 "$OUT/fuzz_$t.log"
    status=1
  else
    grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$OUT/fuzz_$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
