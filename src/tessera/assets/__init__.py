"""Assets: warehouse tables (and views, models, sources) with an owner team."""
