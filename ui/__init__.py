"""Streamlit-side helpers shared by app.py and the pages: cached data access and sidebar filters."""
