"""API keys: creation (secret shown once), listing and revocation."""
