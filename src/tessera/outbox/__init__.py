"""The transactional outbox: events written with the change, delivered after commit by the worker."""
