#!/usr/bin/env bash
# Install the runtime and start the dashboard on its embedded store (data/thidua.duckdb, demo data
# on first start). Extra arguments go to `streamlit run`, e.g. --server.port 8600.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements.txt
exec python -m streamlit run app.py "$@"
