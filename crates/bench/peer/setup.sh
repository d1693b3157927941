#!/usr/bin/env bash
# The benchmark's own Python venv with DuckDB from PyPI (B4's peer): target/bench-venv.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
VENV="$ROOT/target/bench-venv"
[[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check 'duckdb==2.0.1'
"$VENV/bin/python" -c 'import duckdb; print("bench peer: duckdb", duckdb.__version__, "in", __import__("sys").prefix)'
