#!/usr/bin/env bash
# Reads a JUnit file written by `fcstream conform --junit` with Python's junitparser (an
# independent JUnit reader) and checks that it lists every case `fcstream conform --list`
# names for the profile, each once, with the counts the run reported.
# Usage: conform-junit.sh FILE PROFILE [FCSTREAM_BIN]; PYTHON: an interpreter with junitparser.
set -euo pipefail
file="$1"; profile="$2"; bin="${3:-target/debug/fcstream}"
PY="${PYTHON:-python3}"
"$PY" -c 'import junitparser' 2>/dev/null || {
  echo "conform junit: Python's junitparser is needed (pip install junitparser==5.0.3)"; exit 1; }
# `--list`: name, profiles (comma-separated), description.
expected="$("$bin" conform --list | awk -v p="$profile" \
  '$1 ~ /\// { n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == p) print $1 }')"
EXPECTED="$expected" "$PY" - "$file" <<'PYEOF'
import os, sys
from junitparser import JUnitXml, TestSuite, Failure, Skipped, Error

xml = JUnitXml.fromfile(sys.argv[1])
suites = [xml] if isinstance(xml, TestSuite) else list(xml)
names, failed, skipped = [], [], []
for suite in suites:
    for case in suite:
        names.append(case.name)
        for r in case.result:
            if isinstance(r, (Failure, Error)):
                failed.append(case.name)
            elif isinstance(r, Skipped):
                skipped.append(case.name)
expected = os.environ["EXPECTED"].split()
problems = []
if sorted(names) != sorted(expected):
    problems.append("cases listed %s, expected %s" % (sorted(names), sorted(expected)))
if len(set(names)) != len(names):
    problems.append("a case is listed twice")
print("junitparser read %s: suite %s, %d cases, %d failed %s, %d skipped %s" % (
    sys.argv[1], ",".join(s.name for s in suites), len(names), len(failed), failed,
    len(skipped), skipped))
if problems:
    sys.exit("; ".join(problems))
PYEOF
