"""A webhook receiver on 127.0.0.1 for the demo: the endpoint its "delivered" webhook really posts to.

The demo shows one healthy and one failing webhook. Rather than writing delivery rows by hand, both are
delivered by the real worker: the healthy one to this receiver (which answers 204 and remembers the event
ids it got), the failing one to a name that cannot resolve. The receiver runs in a daemon thread of the
demo process and accepts only loopback connections (it binds 127.0.0.1).
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        try:
            event_id = json.loads(body).get("id")
        except (ValueError, AttributeError):
            event_id = None
        with self.server.lock:
            self.server.received.append(str(event_id))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the demo prints its own summary."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[str] = []


class WebhookReceiver:
    """``with WebhookReceiver() as receiver: receiver.url`` — a 204-answering endpoint until exit."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Where to post: ``http://127.0.0.1:<port>/tessera-events``."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/tessera-events"

    @property
    def received(self) -> list[str]:
        """The event ids received so far (a copy)."""
        with self._server.lock:
            return list(self._server.received)

    def start(self) -> WebhookReceiver:
        """Start serving in a daemon thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
