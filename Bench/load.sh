#!/usr/bin/env bash
# The HTTP load benchmark: installs wrk (Debian's package) where it is missing, then runs
#   dotnet run --project Bench -c Release -- load [--seconds 30]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk…"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi
fi
exec dotnet run --project Bench -c Release -- load "$@"
