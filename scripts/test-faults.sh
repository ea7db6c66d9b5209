#!/usr/bin/env bash
# npm run test:faults: the fault tests (test/faults) against real processes. Run after npm test,
# which bootstraps, type-checks and lints. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
results="$(mktemp -t samverkan-faults-XXXXXX.json)"
status=0
npx --no-install jest -c jest.faults.config.js --json --outputFile="$results" "$@" || status=$?
node -e "const r=require(process.argv[1]);console.log('faults: '+r.numPassedTests+' passed, '+r.numFailedTests+' failed'+(r.numPendingTests?', '+r.numPendingTests+' skipped':''))" "$results" || true
rm -f "$results"
exit "$status"
