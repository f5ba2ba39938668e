#!/usr/bin/env bash
# Install nkwatch into ./.venv. With --dev also the test tools and the real components the
# tests drive: a local EVM node (anvil, npm), the Solidity compiler (npm), headless Chromium
# (Debian) and Java for Spark. Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=0
[[ "${1:-}" == "--dev" ]] && DEV=1

# The package build compiles the name search path with mypyc (setup.py): it needs a C compiler.
if ! command -v "${CC:-cc}" >/dev/null 2>&1; then
  echo "install: no C compiler found (\$CC or cc): nkwatch compiles its name matcher with mypyc; install gcc (Debian: apt-get install gcc python3-dev)" >&2
  exit 2
fi

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [[ ! -x .venv/bin/python ]]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
if [[ $DEV == 1 ]]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[all,dev]"
else
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[all]"
fi

if [[ $DEV == 1 ]]; then
  # System packages the tests use (one per line in scripts/apt-packages.txt).
  mapfile -t APT < <(grep -v '^\s*#' scripts/apt-packages.txt | grep -v '^\s*$' || true)
  missing=()
  for pkg in "${APT[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if (( ${#missing[@]} )); then
    if [[ $(id -u) == 0 ]]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Node packages the tests use (package.json / package-lock.json).
  if [[ -f package.json ]]; then
    if [[ ! -d node_modules ]] || [[ package.json -nt node_modules/.package-lock.json ]]; then
      npm install --no-audit --no-fund --loglevel=error
    fi
  fi
fi
