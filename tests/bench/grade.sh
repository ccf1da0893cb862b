#!/bin/sh
# Batch grading benchmark (not in `make test`): sh tests/bench/grade.sh [BUILD_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-$here/../../build}" && pwd)
/usr/bin/python3 "$here/bench_grade.py" "$build/pyharness"
