"""Quarterly files in: read (CSV, text, .xlsx), recognise headers, validate every row, store in one
transaction. The CLI and the upload page go through the same steps; templates come out of here too."""
