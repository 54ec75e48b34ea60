"""Core of the thi đua dashboard: store, registry, campaign config, measures, charts.

This package never imports streamlit (tests/test_architecture.py checks it): the CLI
(`python -m analytics`) and the Streamlit pages call the same functions.
"""
