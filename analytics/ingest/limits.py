"""How much work one upload may cost: every limit of the ingest in one place.

Each limit is checked from something cheap (the file's size, a count of delimiters per line, a
streamed count of worksheet cells) before any per-cell structure is built, so a hostile file costs
a scan of its bytes, not memory and minutes. The numbers leave room for a national deployment
(about 1,000 units × a few dozen indicators per quarterly file; about 10,000 communes per register,
see analytics/scale.py) and are orders of magnitude above what a cluster sends (22 rows, a few KB).
"""

from __future__ import annotations

MEGABYTE = 1024 * 1024
# Matches .streamlit/config.toml server.maxUploadSize (a test keeps them equal). The largest real
# file, a national commune register, is about 1 MB.
MAX_BYTES = 5 * MEGABYTE
# An .xlsx is a zip: refuse one that would inflate beyond this (a "zip bomb").
MAX_XLSX_INFLATED = 50 * MEGABYTE
MAX_ROWS = 50_000
MAX_COLUMNS = 500
# Rows × columns as a spreadsheet reader pads them: what the per-cell structures would hold. A
# national register (10,000 × 9) or results file (1,000 × 50) is well under; openpyxl reads about
# 100,000 cells a second, so this bounds a workbook's read to a few seconds.
MAX_CELLS = 250_000
# XML elements of a workbook part beyond its cells and shared strings (styles, themes, rich-text runs):
# a real styles.xml holds a few hundred; openpyxl took 33 s over 300,000 cell formats of a 60 KB file.
MAX_OTHER_ELEMENTS = 20_000
ELEMENTS_PER_CELL = 8  # <c><is><t> and their kin: what a cell or a shared string may carry without counting
# A batch is one upload: the 22 units' files and their registers fit with room to spare.
MAX_FILES = 30
MAX_BATCH_BYTES = 4 * MAX_BYTES
# Checking stops after this many problems per file: nobody reads further, and a hostile file
# could otherwise turn every one of its cells into a warning.
MAX_PROBLEMS = 1_000
