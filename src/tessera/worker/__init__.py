"""The background worker: outbox delivery and periodic sweeps (proposal expiry)."""
