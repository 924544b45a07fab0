#!/usr/bin/env bash
# Runs bizon from source, e.g. ./bizon.sh run examples/quickstart.yml (from any folder).
# Installs Bun (npm package bun@1.4.5) and the dependencies when missing, then hands over with exec
# so signals (Ctrl-C, SIGTERM) reach bizon itself.
set -euo pipefail
root=$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")
. "$root/scripts/lib.sh"
ensure_bun
ensure_deps "$root"
# --no-install: never fetch packages at run time; bunfig.toml is read from the user's folder, not ours.
exec bun --no-install "$root/src/cli/main.ts" "$@"
