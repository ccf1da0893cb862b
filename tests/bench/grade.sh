#!/bin/sh
# Batch grading benchmark (not in `make test`):
#   sh tests/bench/grade.sh [BUILD_DIR] [--throughput] [--fairness]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$here/../../build
if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then
    build=$1
    shift
fi
build=$(cd "$build" && pwd)
/usr/bin/python3 "$here/bench_grade.py" "$build/pyharness" "$@"
