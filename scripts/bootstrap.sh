#!/usr/bin/env bash
# Prepares a checkout for dev and tests: dependencies, Temporal CLI, Prisma client, chromium.
# Safe to run again: each step is skipped when its input hash is unchanged.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
SCRIPT_PATH="$(pwd)/scripts/bootstrap.sh"

step() { printf '[bootstrap] %s\n' "$*" >&2; }

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1 # macOS
  fi
}

# (a) dependencies: npm ci only when package-lock.json changed since the last install.
lock_hash="$(sha256_of package-lock.json)"
lock_stamp=node_modules/.samverkan-lock.sha256
if [[ -d node_modules && -f "$lock_stamp" && "$(cat "$lock_stamp")" == "$lock_hash" ]]; then
  step "dependencies: up to date"
else
  step "dependencies: running npm ci"
  if ! npm ci; then
    step "npm ci failed. If it says package.json and package-lock.json are out of sync, run 'npm install' once and keep the updated package-lock.json."
    exit 1
  fi
  printf '%s\n' "$lock_hash" >"$lock_stamp"
fi

# (b) Temporal CLI: resolved (and built once, if needed) by the same code npm start and tests use.
step "Temporal CLI: resolving"
cli_path="$(npx --no-install tsx dev/ensureTemporalCli.ts)"
step "Temporal CLI: $cli_path"

# (c) Prisma client: regenerate only when the schema changed.
schema_hash="$(sha256_of prisma/schema.prisma)"
schema_stamp=prisma/generated/.schema.sha256
if [[ -f prisma/generated/client.ts && -f "$schema_stamp" && "$(cat "$schema_stamp")" == "$schema_hash" ]]; then
  step "Prisma client: up to date"
else
  step "Prisma client: running prisma generate"
  # Engines can't be downloaded here; generate only needs this variable to name an existing file.
  PRISMA_SCHEMA_ENGINE_BINARY="$SCRIPT_PATH" npx --no-install prisma generate
  printf '%s\n' "$schema_hash" >"$schema_stamp"
fi

# (d) A browser for the browser tests: Debian's chromium from apt, never a download by Playwright.
if [[ "${SKIP_BROWSER:-0}" != "1" ]] && ! command -v chromium >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == "0" ]]; then
    step "chromium: installing Debian's package (about 400 MB, once)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    step "chromium: missing; install Debian's chromium package (or set CHROMIUM_PATH), or skip the browser tests with SKIP_BROWSER=1"
  fi
fi

step "done"
