#!/usr/bin/env bash
# The quick start's first command: installs what a fresh Debian 12 machine
# lacks, builds tally, and runs the main job on the bundled example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
make --no-print-directory demo
