"""Users: people who steward assets and answer for their teams."""
