#!/bin/sh
# Build every libFuzzer target with clang and run each for a short while
# (PH_FUZZ_SECONDS, default 20) over its committed corpus, as CI does.
#   tests/fuzz/run_smoke.sh [build-dir]
# New inputs go to a temporary folder, never into the committed corpus; a
# crash leaves its reproducer in the build folder and fails the script.
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-"$src/build-fuzz"}
seconds=${PH_FUZZ_SECONDS:-20}

CC=${CC:-clang} cmake -S "$src" -B "$build" -DPH_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz -j"$(nproc)"

status=0
failed=""
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in "$build"/fuzz/fuzz_*; do
    [ -x "$bin" ] || continue
    name=$(basename "$bin")
    short=${name#fuzz_}
    corpus="$src/tests/fuzz/corpus/$short"
    [ -d "$corpus" ] || corpus="$src/tests/fuzz/corpus/$name"
    mkdir -p "$work/$name" "$corpus"
    echo "== $name for ${seconds}s over $corpus"
    if (cd "$build" && "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 "$work/$name" "$corpus") >"$work/$name.log" 2>&1; then
        tail -n 8 "$work/$name.log"
    else
        cat "$work/$name.log"
        echo "!! $name failed (reproducer in $build)" >&2
        failed="$failed $name"
        status=1
    fi
done
# Last, so that a log's tail (all CI keeps) says which parser failed and why.
for name in $failed; do
    echo "!! $name failed:"
    grep -E "ERROR|differ|SUMMARY|Test unit written|artifact_prefix|deadly signal|timeout|out-of-memory" \
        "$work/$name.log" | head -n 20
done
[ -z "$failed" ] || echo "!! fuzz smoke failed:$failed (reproducers in $build)"
exit $status
