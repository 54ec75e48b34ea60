#!/usr/bin/env bash
# The demo years 2024–2026 (data/campaigns/202[456].toml and their meeting files), made mechanically from
# 2016.toml by `campaign new`. After 2016.toml changes, delete those files and run this again.
# The only edits: from 2026 the cluster no longer includes Vĩnh Phúc (merged into Phú Thọ on 1/7/2025),
# so the signing moves to Quảng Ninh and the youth seminar no longer counts 22 secretaries.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export THIDUA_DB="$scratch/scratch.duckdb" THIDUA_DEMO=0
python -m analytics campaign new --year 2024 --from 2016
python -m analytics campaign new --year 2025 --from 2016
python -m analytics campaign new --year 2026 --from 2016 \
  --set 'signing.place=TP Hạ Long, tỉnh Quảng Ninh' \
  --set 'milestones[1].place=TP Hạ Long, tỉnh Quảng Ninh' \
  --set 'milestones[2].note=Kèm tọa đàm của Bí thư Đoàn Thanh niên các đơn vị'
