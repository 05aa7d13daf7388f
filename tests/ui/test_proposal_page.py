"""The proposal page: what it shows, who may act, the actions through the proposals service, the query
budget."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import MakeProposal, MakeShared
from tests.helpers import ADMIN, API, BOOTSTRAP_KEY, V1_NAMED, Api, record_schema
from tests.ui.helpers import csrf_of, raw_key, sign_in
from tests.ui.query_budget import count_queries

NAMED_WITHOUT_EMAIL = record_schema({"id": "integer", "name": "string"})


@asynccontextmanager
async def browser_of(app: FastAPI, key: str, path: str = "/") -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own (its own cookies), signed in with ``key``."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://tessera.test") as client:
        signed = await sign_in(client, key, path)
        assert signed.status_code == 303, signed.text
        yield client


async def _status(api: Api, proposal_id: str) -> str:
    return str((await api.call("GET", f"/proposals/{proposal_id}", 200, ADMIN))["status"])


async def _post(
    client: httpx.AsyncClient, url: str, data: dict[str, str], *, htmx: bool = False
) -> httpx.Response:
    page = await client.get(url.rsplit("/", 1)[0])
    headers = {"HX-Request": "true", "HX-Target": "decision"} if htmx else {}
    return await client.post(url, data={"csrf_token": csrf_of(page.text), **data}, headers=headers)


async def test_consumer_sees_the_change_its_columns_and_the_answer_form(
    app: FastAPI, make_proposal: MakeProposal
) -> None:
    s = await make_proposal(
        schema=V1_NAMED,
        breaking=NAMED_WITHOUT_EMAIL,
        consumers=2,
        register_with=[{"columns": ["id", "email"]}, {"columns": ["name"]}],
        source_ref="github:acme/warehouse#42",
    )
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.consumers[0].write)) as consumer:
        html = (await consumer.get(f"/proposals/{pid}")).text
    assert f'<a href="/assets/{s.asset["id"]}">{s.asset["fqn"]}</a>' in html
    assert 'href="https://github.com/acme/warehouse/pull/42"' in html
    assert "Pull request" in html
    assert "1.0.0 → 2.0.0" in html  # the version publishing would create
    # The diff: the removed column, breaking, marked as read by this team.
    assert "<code>email</code>" in html and "your team reads this" in html
    assert "badge-breaking" in html
    # Both consumers with their answers; this team's affected column highlighted, the other's not.
    assert s.consumers[0].name in html and s.consumers[1].name in html
    assert '<mark class="affected">email' in html
    assert "<code>name</code>" in html
    assert 'id="answer-form"' in html
    assert 'id="withdraw-form"' not in html and 'id="force-form"' not in html


async def test_owner_sees_withdraw_admin_sees_force_and_a_read_key_sees_no_buttons(
    app: FastAPI, api: Api, make_proposal: MakeProposal
) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.owner.write)) as owner:
        html = (await owner.get(f"/proposals/{pid}")).text
        assert (
            'id="withdraw-form"' in html and 'id="answer-form"' not in html and 'id="force-form"' not in html
        )
    async with browser_of(app, BOOTSTRAP_KEY) as admin:
        html = (await admin.get(f"/proposals/{pid}")).text
        assert 'id="force-form"' in html and 'id="withdraw-form"' in html
    async with browser_of(app, raw_key(s.consumer.read)) as reader:
        html = (await reader.get(f"/proposals/{pid}")).text
        assert "<form" in html  # the sign-out form only
        assert not re.search(r'id="(answer|withdraw|force)-form"', html)
        # A forged post with a valid CSRF token is refused by the scope rule; nothing changes.
        forged = await reader.post(
            f"/proposals/{pid}/answer", data={"csrf_token": csrf_of(html), "response": "approved"}
        )
        assert forged.status_code == 403 and "insufficient_scope" in forged.text
    assert await _status(api, pid) == "open"


async def test_a_form_post_without_the_csrf_token_is_refused(
    app: FastAPI, api: Api, make_proposal: MakeProposal
) -> None:
    s = await make_proposal()
    async with browser_of(app, raw_key(s.consumer.write)) as consumer:
        refused = await consumer.post(f"/proposals/{s.proposal['id']}/answer", data={"response": "approved"})
    assert refused.status_code == 403 and "csrf_refused" in refused.text
    assert await _status(api, s.proposal["id"]) == "open"


async def test_approving_without_js_redirects_and_the_page_shows_the_published_contract(
    app: FastAPI, api: Api, make_proposal: MakeProposal
) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.consumer.write)) as consumer:
        done = await _post(consumer, f"/proposals/{pid}/answer", {"response": "approved"})
        assert done.status_code == 303 and done.headers["location"] == f"/proposals/{pid}"
        html = (await consumer.get(f"/proposals/{pid}")).text
    assert "Your team approved the change." in html  # the flash
    assert "badge-published" in html
    assert re.search(rf'href="/assets/{s.asset["id"]}\?version=2\.0\.0"', html)
    assert 'id="answer-form"' not in html  # nothing left to answer
    assert await _status(api, pid) == "published"


async def test_htmx_answer_returns_only_the_decision_block(app: FastAPI, make_proposal: MakeProposal) -> None:
    s = await make_proposal(consumers=2)
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.consumers[0].write)) as consumer:
        answer = await _post(consumer, f"/proposals/{pid}/answer", {"response": "approved"}, htmx=True)
    assert answer.status_code == 200
    assert "<html" not in answer.text and "What changes" not in answer.text
    assert 'id="proposal-status"' in answer.text and "badge-open" in answer.text
    assert f"Waiting for 1 team: {s.consumers[1].name}" in answer.text
    assert "Your team approved the change." in answer.text


async def test_migrating_needs_a_future_deadline(app: FastAPI, api: Api, make_proposal: MakeProposal) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    later = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    async with browser_of(app, raw_key(s.consumer.write)) as consumer:
        missing = await _post(consumer, f"/proposals/{pid}/answer", {"response": "migrating"}, htmx=True)
        assert missing.status_code == 422 and "Give the date your migration will be finished." in missing.text
        assert 'aria-invalid="true"' in missing.text
        past = await _post(
            consumer, f"/proposals/{pid}/answer", {"response": "migrating", "migration_deadline": yesterday}
        )
        assert past.status_code == 422 and "The migration deadline is in the past" in past.text
        assert "<html" in past.text  # without htmx: the whole page, with the error inline
        ok = await _post(
            consumer,
            f"/proposals/{pid}/answer",
            {"response": "migrating", "migration_deadline": later},
            htmx=True,
        )
    assert ok.status_code == 200 and "badge-migrating" in ok.text
    proposal = await api.call("GET", f"/proposals/{pid}", 200, ADMIN)
    assert proposal["acknowledgments"][0]["migration_deadline"].startswith(f"{later}T23:59:59")


async def test_blocking_needs_a_reason(app: FastAPI, api: Api, make_proposal: MakeProposal) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.consumer.write)) as consumer:
        bare = await _post(consumer, f"/proposals/{pid}/answer", {"response": "blocked"}, htmx=True)
        assert bare.status_code == 422 and "Say why this change blocks your team" in bare.text
        assert await _status(api, pid) == "open"
        blocked = await _post(
            consumer,
            f"/proposals/{pid}/answer",
            {"response": "blocked", "reason": "Billing reads email"},
            htmx=True,
        )
    assert (
        blocked.status_code == 200
        and "badge-blocked" in blocked.text
        and "Billing reads email" in blocked.text
    )
    ack = (await api.call("GET", f"/proposals/{pid}", 200, ADMIN))["acknowledgments"][0]
    assert ack["response"] == "blocked" and ack["reason"] == "Billing reads email"


async def test_owner_withdraws_and_a_consumer_may_not(
    app: FastAPI, api: Api, make_proposal: MakeProposal
) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.consumer.write)) as consumer:
        refused = await _post(consumer, f"/proposals/{pid}/withdraw", {})
        assert refused.status_code == 403 and "not_proposer" in refused.text
    async with browser_of(app, raw_key(s.owner.write)) as owner:
        done = await _post(owner, f"/proposals/{pid}/withdraw", {"reason": "Wrong branch"}, htmx=True)
    assert done.status_code == 200 and "badge-withdrawn" in done.text and "Wrong branch" in done.text
    assert 'id="withdraw-form"' not in done.text
    assert await _status(api, pid) == "withdrawn"


async def test_admin_force_approves_with_a_reason_that_is_audited(
    app: FastAPI, api: Api, make_proposal: MakeProposal
) -> None:
    s = await make_proposal()
    pid = s.proposal["id"]
    async with browser_of(app, raw_key(s.owner.write)) as owner:
        refused = await _post(owner, f"/proposals/{pid}/force-approve", {"force_reason": "hurry"})
        assert refused.status_code == 403 and "admin_required" in refused.text
    async with browser_of(app, BOOTSTRAP_KEY) as admin:
        bare = await _post(admin, f"/proposals/{pid}/force-approve", {"force_reason": ""})
        assert bare.status_code == 422 and "the reason is audited" in bare.text
        done = await _post(admin, f"/proposals/{pid}/force-approve", {"force_reason": "Incident 7 fix"})
        assert done.status_code == 303
    assert await _status(api, pid) == "published"
    events = await api.call(
        "GET", f"/audit/events?action=proposal.force_approved&target_id={pid}", 200, ADMIN
    )
    assert events["items"][0]["details"]["reason"] == "Incident 7 fix"


async def test_an_unknown_proposal_is_a_404_page(client: httpx.AsyncClient) -> None:
    await sign_in(client, BOOTSTRAP_KEY)
    missing = await client.get("/proposals/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404 and "proposal_not_found" in missing.text


async def test_the_page_costs_the_same_queries_with_few_or_many_consumers(
    app: FastAPI, make_proposal: MakeProposal
) -> None:
    small = await make_proposal(consumers=1)
    large = await make_proposal(consumers=8, register_with=[{"columns": ["id", "email"]}] * 8)
    async with (
        browser_of(app, raw_key(small.consumer.write)) as first,
        browser_of(app, raw_key(large.consumers[3].write)) as second,
    ):
        async with count_queries(app) as few:
            assert (await first.get(f"/proposals/{small.proposal['id']}")).status_code == 200
        async with count_queries(app) as many:
            assert (await second.get(f"/proposals/{large.proposal['id']}")).status_code == 200
    assert few.total == many.total <= 14, (few.statements, many.statements)


@pytest.mark.parametrize("when", ["past", "now"])
async def test_the_api_refuses_a_migration_deadline_in_the_past(
    api: Api, make_proposal: MakeProposal, when: str
) -> None:
    s = await make_proposal()
    moment = datetime.now(UTC) - (timedelta(days=2) if when == "past" else timedelta(seconds=1))
    response = await api.client.post(
        f"{API}/proposals/{s.proposal['id']}/acknowledge",
        headers=s.consumer.write,
        json={"response": "migrating", "migration_deadline": moment.isoformat()},
    )
    assert response.status_code == 422 and "in the past" in response.text


async def test_a_guarantee_change_is_shown_with_the_schema_changes(
    app: FastAPI, api: Api, make_shared_asset: MakeShared
) -> None:
    s = await make_shared_asset(V1_NAMED, guarantees={"columns": {"email": {"not_null": True}}})
    patched = await api.call(
        "PATCH", f"/contracts/{s.contract['id']}/guarantees", 202, s.owner.write, json={"guarantees": {}}
    )
    async with browser_of(app, raw_key(s.consumer.read)) as reader:
        html = (await reader.get(f"/proposals/{patched['proposal']['id']}")).text
    assert '<span class="muted">(guarantee)</span>' in html and "Not null removed" in html
    assert "<code>email.not_null</code>" in html and "badge-breaking" in html
    assert "(verdicts under the <strong>backward</strong> compatibility mode)" in html
