"""Python client for the Tessera API."""
