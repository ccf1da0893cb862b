#!/bin/sh
# House rules checked by the test suite: no banned string functions in the
# host (as curl does), and clang-format clean.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets)[[:space:]]*\('
if grep -nE "$banned" harness/*.c harness/*.h | grep -v '^\s*//' ; then
  echo "lint: banned function above (use snprintf, memcpy with checked lengths, strtol)" >&2
  status=1
fi
if command -v clang-format >/dev/null 2>&1; then
  for f in harness/*.c harness/*.h; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
      echo "lint: $f is not clang-formatted (make format)" >&2
      status=1
    fi
  done
fi
[ $status -eq 0 ] && echo "lint: 2 passed, 0 failed" || echo "lint: 1 passed, 1 failed"
exit $status
