#!/bin/sh
# House rules checked by the test suite: no banned string functions in the
# host (as curl does), and clang-format clean.
set -u
cd "$(dirname "$0")/.." || exit 2
status=0
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strtok|atoi|atol|gets)[[:space:]]*\('
if grep -nE "$banned" harness/*/*.c harness/*/*.h | grep -v '^\s*//' ; then
  echo "lint: banned function above (use snprintf, memcpy with checked lengths, strtol)" >&2
  status=1
fi
if command -v clang-format >/dev/null 2>&1; then
  for f in harness/*/*.c harness/*/*.h; do
    if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
      echo "lint: $f is not clang-formatted (make format)" >&2
      status=1
    fi
  done
fi
if command -v cppcheck >/dev/null 2>&1; then
  # Py_RETURN_NONE hides its return from cppcheck without Python's headers.
  out=$(cppcheck --quiet --enable=warning,performance,portability --std=c11 -D_GNU_SOURCE \
        "-DPy_RETURN_NONE=return Py_None" --suppress=missingIncludeSystem $(for d in harness/*/; do printf -- "-I %s " "$d"; done) harness/*/*.c 2>&1)
  if [ -n "$out" ]; then
    echo "$out" >&2
    echo "lint: cppcheck findings above" >&2
    status=1
  fi
fi
[ $status -eq 0 ] && echo "lint: 3 passed, 0 failed" || echo "lint: some checks failed"
exit $status
