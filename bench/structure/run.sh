#!/bin/sh
# The structure benchmark in one command, from anywhere: see bench/structure/README.md.
#   PYTHON=python3 bench/structure/run.sh [--runs 3] [--no-timing]
set -eu
cd "$(dirname "$0")/../.."
exec "${PYTHON:-python3}" bench/structure/run.py "$@"
