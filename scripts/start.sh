#!/usr/bin/env bash
# npm start: bootstrap what is missing, then run the whole system (dev/start.ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/bootstrap.sh
exec node --import tsx dev/start.ts
