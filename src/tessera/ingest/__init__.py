"""Adapters that turn outside formats into plain typed values: one interface, ``ingest/source.py``.

``dbt/`` (manifests), ``openapi/`` (OpenAPI 3.0/3.1), ``graphql/`` (SDL or introspection) and ``neutral``
(source-neutral assets sent by a client-side extractor, e.g. SQLMesh) each yield a ``SourceProject``.
Adapters are pure: no web framework, no database. The sync services call them and persist the result.
"""
