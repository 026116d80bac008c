#!/usr/bin/env bash
# Idempotent setup: system packages (CJK fonts, poppler, chromium, java for the HTML validator) when
# missing, then a virtualenv from the pinned lock file, then node dev dependencies (axe-core, for
# tests/browser) from package-lock.json. Safe to run again; does nothing when everything is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
need_apt=()
fc-list :lang=zh family 2>/dev/null | grep -qi "noto" || need_apt+=(fonts-noto-cjk fontconfig)
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
stamp=.venv/.lock-$(sha256sum requirements.lock | cut -c1-16)
if [ ! -f "$stamp" ]; then
  python3 -m venv .venv
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -r requirements.lock
  rm -f .venv/.lock-*; touch "$stamp"
fi
if [ -f package-lock.json ]; then
  node_stamp=node_modules/.lock-$(sha256sum package-lock.json | cut -c1-16)
  if [ ! -f "$node_stamp" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    rm -f node_modules/.lock-*; touch "$node_stamp"
  fi
fi
