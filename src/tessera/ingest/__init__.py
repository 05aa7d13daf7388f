"""Adapters that turn outside formats (dbt manifests, ...) into plain typed values.

Adapters are pure: no web framework, no database. The sync services call them and persist the result.
"""
