"""The seeded demo: ``tessera demo`` / ``python3 run.py demo``.

:mod:`tessera.demo.seed` fills a fresh database through the services (the same calls the API makes),
:mod:`tessera.demo.receiver` is the local endpoint the demo's delivered webhook posts to, and
:mod:`tessera.demo.runner` recreates the SQLite file, seeds it and serves Tessera on it.
"""
