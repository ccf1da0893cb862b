#!/bin/sh
# make bench: every benchmark, side by side, printing ratios.
# The engine benchmark builds main's commit before the engine object once
# (under the build folder) and prints the core figures of both builds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
/usr/bin/python3 "$here/bench_engine.py" "$build"
echo "== this build"
/usr/bin/python3 "$here/bench_core.py" "$build"
old="$build/bench-old-0255129/build"
if [ -x "$old/pyharness" ]; then
  echo "== the commit before the engine object (0255129), same machine, same moment"
  /usr/bin/python3 "$here/bench_core.py" "$old"
fi
PYHARNESS_BIN="$build/pyharness" /usr/bin/python3 "$here/bench_llm.py"
PYHARNESS_BIN="$build/pyharness" /usr/bin/python3 "$here/bench_explain.py"
/usr/bin/python3 "$here/bench_stability.py" "$build"
/usr/bin/python3 "$here/bench_compare.py" "$build"
