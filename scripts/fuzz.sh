#!/usr/bin/env bash
# Fuzz each fuzz target of the root package in turn, for [seconds] each
# (default 30). Exits non-zero as soon as a target finds an input that
# fails; go test then saves it under testdata/fuzz/<Target>/, where it
# becomes a seed that every later `go test` runs. Minimizing is capped at
# 5s: a target that goes through an HTTP server is slow to minimize, and
# the default 60s per new input would stall it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
case "$seconds" in
  ''|*[!0-9]*) echo "usage: $0 [seconds per target]" >&2; exit 2 ;;
esac

targets=$(go test -list '^Fuzz' . | grep '^Fuzz' || true)
if [ -z "$targets" ]; then
  echo "no fuzz targets found" >&2
  exit 1
fi

failed=0
for target in $targets; do
  echo "== $target (${seconds}s)"
  if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "${seconds}s" -fuzzminimizetime 5s .; then
    echo "FAIL: $target found an input that fails; see testdata/fuzz/$target/" >&2
    failed=1
    break
  fi
done

if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "fuzz: $(echo "$targets" | wc -w) targets, ${seconds}s each, no findings"
