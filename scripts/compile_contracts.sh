#!/usr/bin/env bash
# Rebuild contracts/build/scenario.json (ABI + bytecode of the anvil scenario contracts) with
# the npm Solidity compiler. The JSON is committed, so tests never need the compiler.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -d node_modules/solc ]] || npm install --no-audit --no-fund --loglevel=error
node contracts/compile.js
