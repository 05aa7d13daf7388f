"""Pure domain core: schema model, diff, compatibility policy, guarantees, semver.

Nothing in this package may import FastAPI, SQLAlchemy or httpx.
"""
