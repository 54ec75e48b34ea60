#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's Chromium for browser tests),
# then lint, type-check and run the whole suite. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

if ! command -v chromium >/dev/null 2>&1 && [ "${THIDUA_SKIP_BROWSER:-0}" != "1" ]; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "Chromium is missing: run 'sudo apt-get install chromium' (or set THIDUA_SKIP_BROWSER=1 to skip browser tests)." >&2
    exit 1
  fi
fi

# LibreOffice renders the generated .docx and .pptx to PDF in the documents' slow test.
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libreoffice-writer libreoffice-impress poppler-utils fonts-liberation >/dev/null
  else
    echo "LibreOffice is missing: run 'sudo apt-get install libreoffice-writer libreoffice-impress poppler-utils fonts-liberation'." >&2
    exit 1
  fi
fi

python -m ruff check .
python -m ruff format --check .
python -m mypy
# Two workers, each given whole files: a file's module-scoped fixtures (a browser server, a store
# imported through the CLI) are built once, and Streamlit's process-wide caches stay per worker.
python -m pytest -n 2 --dist loadfile "$@"
