#!/bin/sh
# make bench: every benchmark, side by side, printing ratios.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
/usr/bin/python3 "$here/bench_core.py" "$build"
PYHARNESS_BIN="$build/pyharness" /usr/bin/python3 "$here/bench_llm.py"
/usr/bin/python3 "$here/bench_compare.py" "$build"
