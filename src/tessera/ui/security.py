"""Browser-facing security: which paths are UI pages, their headers (CSP), cookies, tokens, ``next``."""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tessera.config import Settings
from tessera.links import API_PREFIX

SESSION_COOKIE = "tessera_session"
CSRF_COOKIE = "tessera_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# No inline script or style anywhere in the UI: every script and stylesheet is a file under /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)
# Not UI: the API (any version under /api), its docs and the health checks. Swagger UI (/docs) and ReDoc
# load their own scripts and inline code, so they keep FastAPI's defaults.
_NOT_UI = (API_PREFIX.rsplit("/", 1)[0], "/docs", "/redoc", "/openapi.json", "/health")


def is_ui_path(path: str) -> bool:
    """True for UI pages and their static files (everything but the API, its docs and health checks)."""
    return not any(path == p or path.startswith(p + "/") for p in _NOT_UI)


class SecurityHeadersMiddleware:
    """Adds nosniff and Referrer-Policy to every response, and the strict CSP to UI responses."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ui = is_ui_path(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"same-origin"))
                if ui:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def new_token() -> str:
    """A random URL-safe token (256 bits) for sessions and CSRF."""
    return secrets.token_urlsafe(32)


def tokens_match(presented: str | None, expected: str | None) -> bool:
    """Constant-time comparison; a missing value never matches."""
    if not presented or not expected:
        return False
    return hmac.compare_digest(presented.encode(), expected.encode())


def secure_cookies(request: Request, settings: Settings) -> bool:
    """Cookies are ``Secure`` when this request or the configured public URL is https."""
    return request.url.scheme == "https" or settings.base_url.startswith("https://")


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a local path of this site (no scheme, host or ``//``), else ``default``.

    Guards the sign-in redirect against being used to send people to another site.
    """
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(ch) < 32 for ch in value):
        return default
    return value
