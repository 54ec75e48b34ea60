"""Core of the thi đua dashboard. The modules at this level are the domain (store, registry, campaign
config, measures, scoring, history, demo, labels, the one file writer); `ingest/` brings quarterly files
in, `presentation/` turns query results into figures and words, `trust/` decides who may change what
and records it, `cli/` is `python -m analytics`.

This package never imports streamlit (tests/test_architecture.py checks it, with the other layer rules):
the CLI and the Streamlit pages call the same functions.
"""
