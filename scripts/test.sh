#!/usr/bin/env bash
# npm test: bootstrap, type-check, lint, then every jest suite against real Temporal, PostgreSQL
# and SMTP: first on the Temporal dev server, then (the cluster phase) on a real Temporal server
# on PostgreSQL. Phases: 1 the suite on the dev server, 2 the fault tests, 3 the cluster.
# Extra arguments go to jest and run the first phase only (e.g. npm test -- test/replay).
# SKIP_FAULTS=1 and SKIP_CLUSTER=1 skip phases 2 and 3; the browser tests (test/browser, in phase 1,
# on Debian's chromium) are skipped with SKIP_BROWSER=1.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh

db_server="${TEST_DATABASE_SERVER_URL:-postgresql://postgres@127.0.0.1:5432}"
if ! node -e "const {Client}=require('pg');const c=new Client({connectionString:process.argv[1]+'/postgres'});c.connect().then(()=>c.end()).catch(()=>process.exit(1))" "$db_server"; then
  echo "[test] PostgreSQL is not reachable at $db_server (set TEST_DATABASE_SERVER_URL). The integration tests need a real server." >&2
  exit 1
fi

echo "[test] type-checking" >&2
npx --no-install tsc -p tsconfig.json --noEmit
echo "[test] linting" >&2
npx --no-install eslint .

passed=0 failed=0 skipped=0 status=0
run_jest() {
  local results
  results="$(mktemp -t samverkan-jest-XXXXXX.json)"
  npx --no-install jest --json --outputFile="$results" "$@" || status=1
  if [[ -s "$results" ]]; then
    read -r p f s < <(node -e "const r=require(process.argv[1]);console.log(r.numPassedTests,r.numFailedTests,r.numPendingTests)" "$results")
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
  fi
  rm -f "$results"
}

# How long each part took, said with the result (the whole run takes minutes).
timings=()
mark() { timings+=("$1 $((SECONDS - ${phase_start:-0}))s"); phase_start=$SECONDS; }
mark "setup (dependencies, type-check, lint)"
echo "[test] phase 1: Temporal dev server" >&2
run_jest "$@"
mark "dev server"
if [[ $# -eq 0 && "${SKIP_FAULTS:-0}" != "1" ]]; then
  echo "[test] phase 2: fault tests (processes killed, servers restarted or cut off)" >&2
  run_jest --config jest.faults.config.js
  mark "faults"
fi
if [[ $# -eq 0 && "${SKIP_CLUSTER:-0}" != "1" ]]; then
  echo "[test] phase 3: Temporal server on PostgreSQL (builds it once from its Go module if missing)" >&2
  node --import tsx dev/ensureTemporalServer.ts >/dev/null
  run_jest --config jest.cluster.config.js
  mark "cluster"
fi
# One plain closing line that any CI can read, whatever jest printed above it.
summary="$(printf '%s; ' "${timings[@]}")"
echo "[test] took $((SECONDS / 60)) min $((SECONDS % 60)) s: ${summary%; }" >&2
echo "jest: ${passed} passed, ${failed} failed$([[ $skipped -gt 0 ]] && echo ", ${skipped} skipped")"
exit "$status"
