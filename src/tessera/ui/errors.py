"""Errors on UI paths: the API's codes and messages, shown as a page (or a banner for htmx requests)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from tessera.ui.render import is_htmx, redirect, render
from tessera.ui.security import safe_next

TITLES = {
    400: "Bad request",
    401: "Sign-in needed",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    409: "Conflict",
    422: "Check your input",
    429: "Too many attempts",
    500: "Something went wrong",
    503: "Service unavailable",
}


def ui_error_response(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    """The UI's rendering of an error the API would answer with ``status``/``code``/``message``.

    Not signed in (401) sends the browser to /signin with ``next`` set to this page; an htmx request gets
    a banner fragment swapped into the page's message region; a navigation gets a full page.
    """
    if status == 401:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        target = safe_next(here) if request.method == "GET" else "/"
        return redirect(f"/signin?next={quote(target, safe='/')}", request=request, flash=message)
    context = {
        "ui": None,
        "status": status,
        "title": TITLES.get(status, "Error"),
        "code": code,
        "message": message,
        "request_id": getattr(request.state, "request_id", None),
    }
    if is_htmx(request):
        response = render(request, "error.html", context, status_code=status, block="banner")
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
    else:
        response = render(request, "error.html", context, status_code=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
