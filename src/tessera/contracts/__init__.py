"""Contracts: versioned schema + guarantees of an asset, and the one publishing service."""
