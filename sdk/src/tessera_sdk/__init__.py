"""Python client for the Tessera API.

``TesseraClient`` / ``AsyncTesseraClient`` expose the API as resource groups (``teams``, ``users``,
``assets``, ``contracts``, ``registrations``, ``proposals``, ``dbt``, ``openapi``, ``graphql``,
``api_keys``, ``audit``); answers are typed models (:mod:`tessera_sdk.models`); failures raise the
exceptions of :mod:`tessera_sdk.errors`.
"""

__version__ = "0.1.0"

from tessera_sdk._base import ProgressCallback, RetryPolicy
from tessera_sdk.client import AsyncTesseraClient, TesseraClient
from tessera_sdk.errors import (
    APIError,
    AuthenticationError,
    BadRequest,
    Conflict,
    NotFound,
    PayloadTooLarge,
    PermissionDenied,
    PreconditionFailed,
    RateLimited,
    ServerError,
    TesseraError,
    Timeout,
    TransportError,
    UnexpectedResponse,
    ValidationError,
)
from tessera_sdk.resources.dbt import ManifestSource, encode_manifest

__all__ = [
    "APIError",
    "AsyncTesseraClient",
    "AuthenticationError",
    "BadRequest",
    "Conflict",
    "ManifestSource",
    "NotFound",
    "PayloadTooLarge",
    "PermissionDenied",
    "PreconditionFailed",
    "ProgressCallback",
    "RateLimited",
    "RetryPolicy",
    "ServerError",
    "TesseraClient",
    "TesseraError",
    "Timeout",
    "TransportError",
    "UnexpectedResponse",
    "ValidationError",
    "__version__",
    "encode_manifest",
]
