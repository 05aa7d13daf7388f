from __future__ import annotations

from pathlib import Path

import pytest

from tessera.notifications.events import EventType
from tessera.notifications.rendering import DEFAULT_TEMPLATE_DIR, TemplateRenderer
from tests.notifications.samples import event

RENDERER = TemplateRenderer()


def test_every_event_type_has_all_three_templates() -> None:
    for event_type in EventType:
        for name in (f"email/{event_type}.txt.j2", f"email/{event_type}.html.j2", f"slack/{event_type}.j2"):
            assert (DEFAULT_TEMPLATE_DIR / name).is_file(), name


@pytest.mark.parametrize("event_type", list(EventType))
def test_every_event_renders_with_context_and_links(event_type: EventType) -> None:
    evt = event(event_type)
    email = RENDERER.render_email(evt)
    slack = RENDERER.render_slack(evt)
    assert email.subject.startswith("[Tessera] ")
    assert "\n" not in email.subject
    for text in (email.text, email.html, slack.body):
        assert "warehouse.core.orders" in text or event_type is EventType.SYNC_COMPLETED
        assert evt.id in email.text
        assert evt.id in email.html
    assert email.html.lstrip().startswith("<!DOCTYPE html>")
    assert slack.title
    assert "\n" not in slack.title
    if event_type.value.startswith("proposal."):
        assert "https://tessera.example.com/proposals/prp_1" in email.text
        assert "https://tessera.example.com/proposals/prp_1" in email.html
        assert "<https://tessera.example.com/proposals/prp_1|" in slack.body


@pytest.mark.parametrize("event_type", [t for t in EventType if t is not EventType.SYNC_COMPLETED])
def test_people_get_the_page_links_not_the_api(event_type: EventType) -> None:
    evt = event(event_type)
    for text in (
        RENDERER.render_email(evt).text,
        RENDERER.render_email(evt).html,
        RENDERER.render_slack(evt).body,
    ):
        assert "/api/v1/" not in text
        assert (
            "https://tessera.example.com/assets/ast_1" in text
            or "https://tessera.example.com/proposals/prp_1" in text
        )


def test_an_event_stored_before_the_pages_falls_back_to_the_api_links() -> None:
    old_links = {
        "asset_url": "https://tessera.example.com/api/v1/assets/ast_1",
        "proposal_url": "https://tessera.example.com/api/v1/proposals/prp_1",
    }
    evt = event(EventType.PROPOSAL_CREATED, links=old_links)
    assert "Review the proposal and answer: https://tessera.example.com/api/v1/proposals/prp_1" in (
        RENDERER.render_email(evt).text
    )
    assert (
        "<https://tessera.example.com/api/v1/assets/ast_1|*warehouse.core.orders*>"
        in RENDERER.render_slack(evt).body
    )


def test_proposal_created_names_changes_pending_teams_and_deadline() -> None:
    email = RENDERER.render_email(event(EventType.PROPOSAL_CREATED))
    assert "[breaking] amount: column removed" in email.text
    assert "- Analytics (pending)" in email.text
    assert "Finance" not in email.text  # already acknowledged: not asked again
    assert "2025-02-07 09:00 UTC" in email.text
    slack = RENDERER.render_slack(event(EventType.PROPOSAL_CREATED))
    assert slack.body.startswith("<@U123ABC> <@W0ABCDEF>")
    assert "*Must answer by 2025-02-07 09:00 UTC:* Analytics" in slack.body


def test_missing_optional_keys_render_as_nothing() -> None:
    evt = event(EventType.PROPOSAL_CREATED)
    bare = type(evt).create(EventType.PROPOSAL_CREATED, {"asset": {"fqn": "x.y"}})
    email = RENDERER.render_email(bare)
    assert "x.y" in email.subject
    assert "Undefined" not in email.text + email.html
    assert "(no individual changes listed)" in email.text


def test_html_is_escaped_and_unsafe_links_dropped() -> None:
    hostile = event(
        EventType.PROPOSAL_BLOCKED,
        asset={"fqn": "<script>alert(1)</script>"},
        answer={"team": {"name": "A&B"}, "reason": '"><img src=x onerror=alert(1)>'},
        links={"proposal_url": "javascript:alert(1)"},
    )
    html = RENDERER.render_email(hostile).html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<img" not in html
    assert "A&amp;B" in html
    assert "javascript:" not in html


def test_slack_text_escapes_user_data_but_keeps_mentions_and_links() -> None:
    hostile = event(
        EventType.PROPOSAL_BLOCKED,
        asset={"fqn": "orders <!channel>"},
        answer={"team": {"name": "A&B"}, "reason": "<https://evil.example|click>"},
        mentions=["U123ABC", "<!everyone>", "not-an-id"],
    )
    slack = RENDERER.render_slack(hostile)
    assert "<!channel>" not in slack.body
    assert "&lt;!channel&gt;" in slack.body
    assert "<https://evil.example" not in slack.body
    assert "A&amp;B" in slack.body
    assert slack.body.startswith("<@U123ABC>\n")
    assert "everyone" not in slack.body
    assert slack.title == "A&B blocked: orders <!channel>"  # plain_text header: shown literally by Slack


def test_operator_overrides_win_and_the_rest_falls_back(tmp_path: Path) -> None:
    (tmp_path / "email").mkdir()
    (tmp_path / "email" / "proposal.created.txt.j2").write_text(
        '{% extends "email/layout.txt.j2" %}\n'
        "{% block subject %}ACTION NEEDED: {{ data.asset.fqn }}{% endblock %}\n"
        "{% block content %}Custom body for {{ pending_teams | team_names }}.{% endblock %}\n"
    )
    renderer = TemplateRenderer(tmp_path)
    email = renderer.render_email(event(EventType.PROPOSAL_CREATED))
    assert email.subject == "ACTION NEEDED: warehouse.core.orders"
    assert email.text.startswith("Custom body for Analytics.")
    assert "Breaking change proposed" in email.html  # HTML part still the packaged default
    assert RENDERER.render_slack(event()).body == renderer.render_slack(event()).body


def test_missing_override_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="does not exist"):
        TemplateRenderer(tmp_path / "nope")
