#!/usr/bin/env bash
# npm test: bootstrap, type-check, lint, then the whole jest suite against real Temporal,
# PostgreSQL and SMTP. Extra arguments go to jest (e.g. npm test -- test/replay).
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

results="$(mktemp -t samverkan-jest-XXXXXX.json)"
status=0
npx --no-install jest --json --outputFile="$results" "$@" || status=$?
# One plain closing line that any CI can read, whatever jest printed above it.
node -e "const r=require(process.argv[1]);console.log('jest: '+r.numPassedTests+' passed, '+r.numFailedTests+' failed'+(r.numPendingTests?', '+r.numPendingTests+' skipped':''))" "$results" || true
rm -f "$results"
exit "$status"
