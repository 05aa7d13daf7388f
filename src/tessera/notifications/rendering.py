"""Render notification text from Jinja2 template files that operators can read and override.

Packaged defaults live in ``tessera/notifications/templates/``::

    email/layout.txt.j2, email/layout.html.j2    shared frame of every email
    email/<event type>.txt.j2                      per event: ``subject`` and ``content`` blocks
    email/<event type>.html.j2                     per event: ``content`` block (HTML, autoescaped)
    email/macros.txt.j2, email/macros.html.j2      shared pieces (change lists, team lists)
    slack/layout.j2, slack/macros.j2               shared frame and pieces of Slack messages
    slack/<event type>.j2                          per event: ``title`` and ``body`` blocks (Slack mrkdwn)

The ``subject`` and ``title`` blocks are rendered on their own, so they can use ``data``, ``event`` and
the filters but not imported macros.

An operator points ``template_dir`` (setting ``TEMPLATE_DIR``) at a directory with the same layout;
any file found there wins, anything missing falls back to the packaged default. Templates receive the
event payload as ``event`` and its ``data`` as ``data`` (one model per event type in
:mod:`tessera.notifications.payloads`), plus a few helpers: ``pending_teams`` (required teams yet
to answer), ``informed_teams`` (told, no answer needed), ``deadline``, ``proposal_link`` and
``asset_link`` (the web pages people open, or the API URL for an event stored before pages existed) and
the filters ``team_names`` and ``when``. Slack templates also get ``mentions`` (ready-made ``<@U…>``
mentions) and a ``link`` filter; their ``event``/``data`` strings arrive escaped for Slack, so
user-supplied names cannot inject ``<!channel>`` or fake links.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2

from tessera.enums import AckResponse
from tessera.notifications.events import Event, JsonValue

DEFAULT_TEMPLATE_DIR = Path(__file__).parent / "templates"
SLACK_MEMBER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")


def slack_escape(text: str) -> str:
    """Escape the three characters Slack treats as control characters in message text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_unescape(text: str) -> str:
    """Undo :func:`slack_escape` (for ``plain_text`` fields, which Slack shows literally)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _slack_escaped(value: JsonValue) -> JsonValue:
    """A copy of event data with every string escaped for Slack (keys are left alone)."""
    if isinstance(value, str):
        return slack_escape(value)
    if isinstance(value, Mapping):
        return {k: _slack_escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_slack_escaped(v) for v in value]
    return value


def _slack_link(url: object, label: object) -> str:
    """A ``<url|label>`` link from already-escaped values; an unusable URL gives the plain label."""
    text = str(label).replace("|", "¦")
    if (
        not isinstance(url, str)
        or not url.startswith(("https://", "http://"))
        or any(c in url for c in "<>| ")
    ):
        return text
    return f"<{url}|{text}>"


def _team_names(teams: object) -> str:
    """``"analytics, finance"`` from a list of ``{"name": ...}`` (or plain strings)."""
    if not isinstance(teams, list):
        return ""
    names = [str(t.get("name") or t.get("id") or "") if isinstance(t, Mapping) else str(t) for t in teams]
    return ", ".join(name for name in names if name)


def _http_url(value: object) -> str:
    """The value if it is an http(s) URL, else an empty string (keeps ``javascript:`` out of links)."""
    if isinstance(value, str) and value.startswith(("https://", "http://")):
        return value
    return ""


def _when(value: object) -> str:
    """An ISO-8601 timestamp as ``2025-01-31 09:30 UTC``; anything else unchanged."""
    if not isinstance(value, str) or not value:
        return "" if value is None or isinstance(value, jinja2.Undefined) else str(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def slack_mentions(data: Mapping[str, JsonValue]) -> list[str]:
    """Valid Slack member ids from ``data["mentions"]``, de-duplicated, in order."""
    raw = data.get("mentions")
    if not isinstance(raw, list):
        return []
    return list(dict.fromkeys(m for m in raw if isinstance(m, str) and SLACK_MEMBER_ID.match(m)))


def _pending_teams(data: Mapping[str, JsonValue]) -> list[JsonValue]:
    """The required teams that have not answered yet (events stored before gating: every team)."""
    teams = data.get("affected_teams")
    if not isinstance(teams, list):
        return []
    return [
        t
        for t in teams
        if isinstance(t, Mapping) and t.get("response") == AckResponse.PENDING and t.get("required", True)
    ]


def _informed_teams(data: Mapping[str, JsonValue]) -> list[JsonValue]:
    """The teams told about a proposal whose answer is not needed."""
    teams = data.get("affected_teams")
    if not isinstance(teams, list):
        return []
    return [t for t in teams if isinstance(t, Mapping) and t.get("required") is False]


def _context(event: Event, *, for_slack: bool = False) -> dict[str, object]:
    payload = event.to_payload()
    if for_slack:
        payload = {k: _slack_escaped(v) for k, v in payload.items()}
    data = payload["data"]
    assert isinstance(data, Mapping)
    proposal = data.get("proposal")
    deadline = _when(proposal.get("expires_at")) if isinstance(proposal, Mapping) else ""
    links = data.get("links")
    links = links if isinstance(links, Mapping) else {}
    return {
        "event": payload,
        "data": data,
        "pending_teams": _pending_teams(data),
        "informed_teams": _informed_teams(data),
        "deadline": deadline,
        # People get the page; the API URL stays in the webhook body for programs.
        "proposal_link": links.get("proposal_page_url") or links.get("proposal_url") or "",
        "asset_link": links.get("asset_page_url") or links.get("asset_url") or "",
    }


@dataclass(frozen=True, slots=True)
class RenderedEmail:
    """An email's subject and its two bodies."""

    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class RenderedSlack:
    """A Slack message's header (plain text) and body (mrkdwn)."""

    title: str
    body: str


class TemplateRenderer:
    """Renders emails and Slack texts for events; ``template_dir`` overrides the packaged files."""

    def __init__(self, template_dir: Path | None = None) -> None:
        search: list[str | Path] = [DEFAULT_TEMPLATE_DIR]
        if template_dir is not None:
            if not template_dir.is_dir():
                raise ValueError(f"template directory {template_dir} does not exist")
            search.insert(0, template_dir)
        loader = jinja2.FileSystemLoader(search)
        self._mail = _environment(loader, jinja2.select_autoescape(enabled_extensions=("html.j2",)))
        # Slack text is not HTML: the data is escaped for Slack up front instead (see _slack_escaped).
        self._slack = _environment(loader, autoescape=False)
        for env in (self._mail, self._slack):
            env.filters["team_names"] = _team_names
            env.filters["when"] = _when
            env.filters["http_url"] = _http_url
        self._slack.filters["link"] = _slack_link

    def render_email(self, event: Event) -> RenderedEmail:
        """Subject, plain text and HTML for ``event``."""
        context = _context(event)
        text_template = self._mail.get_template(f"email/{event.type.value}.txt.j2")
        subject = _render_block(text_template, "subject", context)
        subject = " ".join(subject.split())  # headers must be one line
        text = text_template.render(context, subject=subject)
        html = self._mail.get_template(f"email/{event.type.value}.html.j2").render(context, subject=subject)
        return RenderedEmail(subject=subject, text=_tidy(text), html=html.strip() + "\n")

    def render_slack(self, event: Event) -> RenderedSlack:
        """Header and mrkdwn body for ``event``; the body starts with the mentions when there are any."""
        context = _context(event, for_slack=True)
        context["mentions"] = " ".join(f"<@{m}>" for m in slack_mentions(event.data))
        template = self._slack.get_template(f"slack/{event.type.value}.j2")
        title = " ".join(slack_unescape(_render_block(template, "title", context)).split())
        body = _tidy(template.render(context))
        return RenderedSlack(title=title, body=body)


def _environment(
    loader: jinja2.BaseLoader, autoescape: bool | Callable[[str | None], bool]
) -> jinja2.Environment:
    # HTML templates are autoescaped; Slack text gets its data escaped up front.
    return jinja2.Environment(
        loader=loader,
        autoescape=autoescape,  # noqa: S701
        undefined=jinja2.ChainableUndefined,  # a missing optional key renders as nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render_block(template: jinja2.Template, block: str, context: dict[str, object]) -> str:
    render = template.blocks.get(block)
    if render is None:
        raise ValueError(f"template {template.name} has no '{block}' block")
    return "".join(render(template.new_context(context)))


def _tidy(text: str) -> str:
    """Collapse runs of blank lines left by optional sections; strip trailing spaces."""
    lines: Iterable[str] = (line.rstrip() for line in text.strip().splitlines())
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out) + "\n"
