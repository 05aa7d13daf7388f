"""Database layer: the one model base, ORM models, engine and sessions."""
