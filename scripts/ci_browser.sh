#!/usr/bin/env bash
# Debian's Chromium for the dashboard's browser test; installed only when it is missing (~2 min).
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version
