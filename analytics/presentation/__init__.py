"""What leaders see, built from query results: charts, KPIs, captions, narrative, tables, slides and
the offline meeting pack. Pure pandas and Plotly, no streamlit, no SQL; the pages and the CLI render it."""
