"""Email notifications over SMTP: multipart plain text + HTML rendered from the email templates.

Sending uses the standard library's ``smtplib`` in a worker thread (``asyncio.to_thread``): email volume
is low (a few messages per proposal), so a dedicated async SMTP dependency would buy nothing.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from enum import StrEnum

from tessera.notifications.events import Event
from tessera.notifications.rendering import TemplateRenderer
from tessera.notifications.retry import Outcome


class SmtpSecurity(StrEnum):
    """How the SMTP connection is protected."""

    NONE = "none"  # plain SMTP: only for a relay on localhost or a trusted network
    STARTTLS = "starttls"  # upgrade after connecting (usually port 587)
    SSL = "ssl"  # TLS from the first byte (usually port 465)


@dataclass(frozen=True, slots=True)
class EmailSettings:
    """SMTP server and sender; maps to the ``SMTP_*`` settings."""

    host: str
    from_addr: str
    port: int = 25
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    security: SmtpSecurity = SmtpSecurity.NONE
    timeout: timedelta = timedelta(seconds=10)
    helo_name: str | None = None  # EHLO name; defaults to the domain of from_addr (no getfqdn() lookup)
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class EmailResult:
    """What happened to one email: outcome, SMTP reply code if any, and an error for the delivery row."""

    outcome: Outcome
    smtp_code: int | None
    error_message: str | None
    duration_ms: float
    refused_recipients: tuple[str, ...] = ()


class EmailSender:
    """Renders an event with the email templates and sends it to a list of recipients."""

    def __init__(self, settings: EmailSettings, renderer: TemplateRenderer) -> None:
        self._settings = settings
        self._renderer = renderer

    def build_message(self, event: Event, to: Sequence[str]) -> EmailMessage:
        """The multipart/alternative message (text first, HTML second) for ``event``."""
        rendered = self._renderer.render_email(event)
        message = EmailMessage()
        message["Subject"] = rendered.subject
        message["From"] = self._settings.from_addr
        message["To"] = ", ".join(to)
        message["Date"] = formatdate(localtime=False)
        domain = self._settings.from_addr.rpartition("@")[2] or None
        message["Message-ID"] = make_msgid(idstring=event.id, domain=domain)
        message["X-Tessera-Event-Id"] = event.id
        message["X-Tessera-Event-Type"] = event.type.value
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies, please
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message

    async def send(self, event: Event, to: Sequence[str]) -> EmailResult:
        """Send ``event`` to ``to``; never raises for SMTP or network errors (see :class:`EmailResult`).

        SMTP 5xx replies are permanent, 4xx and connection problems are worth retrying.
        """
        if not to:
            return EmailResult(Outcome.SUCCESS, None, None, 0.0)
        return await self._deliver(self.build_message(event, to), to)

    async def send_text(self, subject: str, text: str, to: Sequence[str]) -> EmailResult:
        """A plain-text notice that is not an event (e.g. "your webhook was paused")."""
        if not to:
            return EmailResult(Outcome.SUCCESS, None, None, 0.0)
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self._settings.from_addr
        message["To"] = ", ".join(to)
        message["Date"] = formatdate(localtime=False)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(text)
        return await self._deliver(message, to)

    async def _deliver(self, message: EmailMessage, to: Sequence[str]) -> EmailResult:
        started = time.perf_counter()

        def elapsed() -> float:
            return round((time.perf_counter() - started) * 1000, 3)

        try:
            refused = await asyncio.to_thread(self._send_blocking, message, list(to))
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            outcome = Outcome.PERMANENT if all(c >= 500 for c in codes) else Outcome.RETRYABLE
            return EmailResult(
                outcome, min(codes, default=None), "all recipients refused", elapsed(), tuple(exc.recipients)
            )
        except smtplib.SMTPResponseException as exc:
            outcome = Outcome.PERMANENT if exc.smtp_code >= 500 else Outcome.RETRYABLE
            text = (
                exc.smtp_error.decode(errors="replace")
                if isinstance(exc.smtp_error, bytes)
                else str(exc.smtp_error)
            )
            return EmailResult(outcome, exc.smtp_code, f"{type(exc).__name__}: {text}", elapsed())
        except (smtplib.SMTPException, OSError) as exc:
            return EmailResult(Outcome.RETRYABLE, None, f"{type(exc).__name__}: {exc}", elapsed())
        return EmailResult(Outcome.SUCCESS, 250, None, elapsed(), tuple(refused))

    def _send_blocking(self, message: EmailMessage, to: list[str]) -> list[str]:
        s = self._settings
        timeout = s.timeout.total_seconds()
        context = s.ssl_context or ssl.create_default_context()
        helo = s.helo_name or s.from_addr.rpartition("@")[2] or "localhost"
        smtp: smtplib.SMTP
        if s.security is SmtpSecurity.SSL:
            smtp = smtplib.SMTP_SSL(s.host, s.port, local_hostname=helo, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, local_hostname=helo, timeout=timeout)
        with smtp:
            if s.security is SmtpSecurity.STARTTLS:
                smtp.starttls(context=context)
            if s.username:
                smtp.login(s.username, s.password or "")
            refused = smtp.send_message(message, from_addr=s.from_addr, to_addrs=to)
        return list(refused)
