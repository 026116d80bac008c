#!/usr/bin/env bash
# Idempotent setup. `bootstrap.sh site`: what building the site and PDFs needs — Debian's CJK fonts
# and the Pango libraries WeasyPrint loads — then a virtualenv from the pinned lock file.
# `bootstrap.sh test` (the default): also poppler, chromium, java (HTML validator) and node dev
# dependencies (axe-core) for the test suite. Safe to run again; does nothing when all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
need_apt=()
fc-list :lang=zh family 2>/dev/null | grep -qi "noto" || need_apt+=(fonts-noto-cjk fontconfig)
fc-list "Liberation Serif" family 2>/dev/null | grep -q . || need_apt+=(fonts-liberation)   # Latin text in the English PDF
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ "$mode" = "test" ]; then
  command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
  command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
  command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
  command -v npm >/dev/null 2>&1 || need_apt+=(npm)
fi
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
if [ "$mode" = "test" ] && [ -f package-lock.json ]; then
  node_stamp=node_modules/.lock-$(sha256sum package-lock.json | cut -c1-16)
  if [ ! -f "$node_stamp" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    rm -f node_modules/.lock-*; touch "$node_stamp"
  fi
fi
