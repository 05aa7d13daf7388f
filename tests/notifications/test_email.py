from __future__ import annotations

import ssl
from pathlib import Path

from tessera.notifications.email import EmailSender, EmailSettings, SmtpSecurity
from tessera.notifications.events import EventType
from tessera.notifications.rendering import TemplateRenderer
from tessera.notifications.retry import Outcome
from tests.notifications.receivers import SmtpReceiver, unused_port
from tests.notifications.samples import event

RENDERER = TemplateRenderer()


def settings_for(server: SmtpReceiver, **overrides: object) -> EmailSettings:
    values: dict[str, object] = {"host": "127.0.0.1", "port": server.port, "from_addr": "tessera@example.com"}
    values.update(overrides)
    return EmailSettings(**values)  # type: ignore[arg-type]


async def test_email_arrives_with_plain_text_and_html_parts(smtp_receiver: SmtpReceiver) -> None:
    evt = event(EventType.PROPOSAL_CREATED)
    sender = EmailSender(settings_for(smtp_receiver), RENDERER)
    result = await sender.send(evt, ["ada@example.com", "grace@example.com"])
    assert result.outcome is Outcome.SUCCESS
    assert result.error_message is None
    [(envelope, message)] = smtp_receiver.messages
    assert envelope.mail_from == "tessera@example.com"
    assert envelope.rcpt_tos == ["ada@example.com", "grace@example.com"]
    assert message["Subject"].startswith("[Tessera] Breaking change proposed for warehouse.core.orders")
    assert message["X-Tessera-Event-Id"] == evt.id
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    assert "Analytics (pending)" in text.get_content()
    assert "https://tessera.example.com/proposals/prp_1" in text.get_content()
    assert '<a href="https://tessera.example.com/proposals/prp_1"' in html.get_content()


async def test_permanent_and_temporary_recipient_refusals(smtp_receiver: SmtpReceiver) -> None:
    sender = EmailSender(settings_for(smtp_receiver), RENDERER)
    smtp_receiver.reject_recipients("550 5.1.1 No such user")
    permanent = await sender.send(event(), ["nobody@example.com"])
    smtp_receiver.reject_recipients("451 4.3.0 Try again later")
    temporary = await sender.send(event(), ["busy@example.com"])
    assert permanent.outcome is Outcome.PERMANENT
    assert permanent.smtp_code == 550
    assert permanent.refused_recipients == ("nobody@example.com",)
    assert temporary.outcome is Outcome.RETRYABLE
    assert temporary.smtp_code == 451
    assert temporary.refused_recipients == ("busy@example.com",)
    assert permanent.error_message == temporary.error_message == "all recipients refused"
    assert smtp_receiver.messages == []


async def test_server_down_is_retryable() -> None:
    settings = EmailSettings(host="127.0.0.1", port=unused_port(), from_addr="tessera@example.com")
    result = await EmailSender(settings, RENDERER).send(event(), ["ada@example.com"])
    assert result.outcome is Outcome.RETRYABLE
    assert result.smtp_code is None
    # The delivery row says why, naming the failure rather than a generic "failed".
    assert result.error_message is not None
    assert result.error_message.startswith("ConnectionRefusedError: ")


async def test_starttls_with_certificate_verification(tls_files: tuple[Path, Path]) -> None:
    cert, key = tls_files
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    server = SmtpReceiver(tls=server_context).start()
    try:
        settings = settings_for(
            server,
            host="localhost",
            security=SmtpSecurity.STARTTLS,
            ssl_context=ssl.create_default_context(cafile=str(cert)),
        )
        result = await EmailSender(settings, RENDERER).send(
            event(EventType.CONTRACT_PUBLISHED), ["ada@example.com"]
        )
    finally:
        server.stop()
    assert result.outcome is Outcome.SUCCESS, result.error_message
    assert len(server.messages) == 1


async def test_no_recipients_sends_nothing(smtp_receiver: SmtpReceiver) -> None:
    result = await EmailSender(settings_for(smtp_receiver), RENDERER).send(event(), [])
    assert result.outcome is Outcome.SUCCESS
    assert smtp_receiver.messages == []
