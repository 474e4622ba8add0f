#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Rewrites the generated parts of the config documentation from the key tables and component
# registries: the key reference section of configs/README.md (between its BEGIN/END GENERATED
# markers) and configs/adasim.schema.json. Run after changing a key table or registering an
# implementation, then review the diff. tests/unit/cli/config_docs_test.cpp fails while either
# file differs from what the build generates.
#   scripts/regen_config_docs.sh [path/to/adasim]   (default: build/adasim)
set -euo pipefail
cd "$(dirname "$0")/.."
adasim="${1:-build/adasim}"
"$adasim" list --schema > configs/adasim.schema.json
"$adasim" list --markdown > configs/.reference.md.tmp
python3 - configs/README.md configs/.reference.md.tmp <<'PY'
import sys
readme, block = sys.argv[1], open(sys.argv[2]).read()
text = open(readme).read()
begin = text.index("<!-- BEGIN GENERATED KEY REFERENCE")
end = text.index("<!-- END GENERATED KEY REFERENCE -->") + len("<!-- END GENERATED KEY REFERENCE -->\n")
open(readme, "w").write(text[:begin] + block + text[end:])
PY
rm -f configs/.reference.md.tmp
