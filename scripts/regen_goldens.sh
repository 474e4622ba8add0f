#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the golden reports in tests/golden/ from tests/golden/cases.txt with the built
# adasim (default: build/adasim). Review `git diff tests/golden` before committing: a golden
# changes only when a model change is intended and understood.
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/adasim}"
while IFS='|' read -r name args; do
  name="$(echo "$name" | xargs)"
  [[ -z "$name" || "$name" == \#* ]] && continue
  out="$(mktemp -d)"
  # shellcheck disable=SC2086
  "$bin" run -q --out "$out" $args
  mkdir -p "tests/golden/$name"
  cp "$out/report.json" "tests/golden/$name/expected_report.json"
  rm -rf "$out"
  echo "regenerated tests/golden/$name"
done < tests/golden/cases.txt
