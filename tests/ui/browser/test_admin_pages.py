"""Teams, search, audit log and API keys in a browser: the main flows and an accessibility check each."""

from __future__ import annotations

import asyncio
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tessera.db.engine import create_engine, create_session_factory
from tessera.db.models import Webhook
from tessera.enums import DeliveryStatus
from tests.helpers import ADMIN, BOOTSTRAP_KEY, Api, TeamCtx, record_schema, shared_asset
from tests.ui.admin_data import add_deliveries
from tests.ui.browser.conftest import SyncApi, assert_accessible, sign_in
from tests.ui.helpers import raw_key

HOOK_URL = "https://receiver.example/tessera"


@dataclass
class World:
    """An owner's asset with a uniquely named column, read by one team by name and one as a whole; a
    failed webhook delivery of the reader; a key to revoke."""

    owner: TeamCtx
    named_reader: TeamCtx
    whole_reader: TeamCtx
    other_reader: TeamCtx
    asset: dict[str, object]
    column: str
    failed_delivery: str


def _add_hook_and_deliveries(database_url: str, team_id: str) -> str:
    async def write() -> str:
        engine = create_engine(database_url)
        try:
            async with create_session_factory(engine)() as session:
                hook = Webhook(
                    id=uuid.uuid4(), team_id=uuid.UUID(team_id), url=HOOK_URL, secret="whsec_x", events=[]
                )
                session.add(hook)
                await session.commit()
                ids = await add_deliveries(
                    session, str(hook.id), HOOK_URL, [DeliveryStatus.DELIVERED, DeliveryStatus.FAILED]
                )
                return str(ids[-1])
        finally:
            await engine.dispose()

    # Playwright's loop runs in this thread: the database write gets its own loop in another one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, write()).result()


@pytest.fixture(scope="module")
def world(ui_api: SyncApi, ui_database: str) -> World:
    column = f"loyalty_tier_{uuid.uuid4().hex[:6]}"

    async def build(api: Api) -> World:
        schema = record_schema({"id": "integer", column: "string", "points": "integer"})
        s = await shared_asset(
            api,
            schema,
            consumers=3,
            register_with=[{"columns": [column]}, {}, {"columns": ["points"]}],
            asset_fields={"fqn": f"wh.crm.{column}_customers"},
        )
        return World(s.owner, s.consumers[0], s.consumers[1], s.consumers[2], s.asset, column, "")

    built = ui_api.run(build)
    built.failed_delivery = _add_hook_and_deliveries(ui_database, built.named_reader.id)
    return built


def test_search_finds_a_column_and_its_readers(page: Page, ui_url: str, world: World) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY)
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Assets, columns or teams").fill(world.column.upper())
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/search\?q="))
    columns = page.locator("section[aria-labelledby=h-columns]")
    row = columns.locator("tbody tr").filter(has_text=world.column)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(world.asset["fqn"]))
    expect(row).to_contain_text(world.named_reader.name)
    expect(row).to_contain_text(world.whole_reader.name)
    expect(row).not_to_contain_text(world.other_reader.name)
    row.get_by_role("link", name=world.named_reader.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.named_reader.name)


def test_redeliver_a_failed_delivery(page: Page, ui_url: str, world: World) -> None:
    sign_in(page, ui_url, raw_key(world.named_reader.write), next_url=f"/teams/{world.named_reader.id}")
    failed = page.locator("table", has=page.locator("caption", has_text="Failed deliveries"))
    row = failed.locator("tbody tr").first
    expect(row).to_contain_text("HTTP 410 Gone")
    expect(row.locator(".badge")).to_have_text("failed")
    url_before = page.url
    row.get_by_role("button", name=re.compile("^Redeliver")).click()
    expect(row.locator(".badge")).to_have_text("pending")
    expect(row).to_contain_text("queued again")
    expect(row.get_by_role("button")).to_have_count(0)
    assert page.url == url_before  # updated in place, no navigation
    page.reload()
    expect(page.locator("table", has=page.locator("caption", has_text="Failed deliveries"))).to_have_count(0)


def test_a_read_key_sees_no_redeliver_button(page: Page, ui_url: str, world: World) -> None:
    sign_in(page, ui_url, raw_key(world.named_reader.read), next_url=f"/teams/{world.named_reader.id}")
    expect(page.get_by_role("heading", name="Webhook health")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Redeliver"))).to_have_count(0)


def test_create_a_key_see_it_once_then_revoke_it(page: Page, ui_url: str, world: World) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY, next_url="/keys")
    page.locator("summary", has_text="Create a key").click()
    page.get_by_label("Name").first.fill("browser-ci")
    page.get_by_label("Team", exact=True).first.select_option(label=world.owner.name)
    page.get_by_label("write").check()
    page.get_by_role("button", name="Create key").click()
    shown = page.get_by_label("New API key")
    expect(shown).to_have_value(re.compile(r"^tess_"))
    secret = shown.input_value()
    expect(page.get_by_role("alert")).to_contain_text("shown only this once")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator(".copy-status")).not_to_be_empty()
    expect(page.locator("#results tbody tr").filter(has_text="browser-ci")).to_have_count(1)  # listed at once

    page.reload()
    expect(page.get_by_label("New API key")).to_have_count(0)
    assert secret not in page.content()
    row = page.locator("#results tbody tr").filter(has_text="browser-ci")
    expect(row).to_contain_text(world.owner.name)
    row.get_by_role("link", name=re.compile("^Revoke")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("browser-ci")
    page.get_by_role("button", name="Revoke this key").click()
    expect(page).to_have_url(f"{ui_url}/keys")
    expect(page.locator(".flash")).to_contain_text("is revoked")
    expect(page.locator("#results tbody tr").filter(has_text="browser-ci")).to_have_count(0)
    page.get_by_label("State").select_option("all")
    revoked = page.locator("#results tbody tr").filter(has_text="browser-ci")
    expect(revoked.locator(".badge-revoked")).to_have_count(1)


def test_audit_filters(page: Page, ui_url: str, world: World) -> None:
    sign_in(page, ui_url, BOOTSTRAP_KEY, next_url="/audit")
    page.get_by_label("Target type").select_option("asset")
    expect(page).to_have_url(re.compile(r"target_type=asset"))
    actions = page.locator("#results tbody th[scope=row]")
    expect(actions.first).to_be_visible()
    assert set(actions.all_inner_texts()) <= {"asset.created", "asset.updated", "asset.deleted"}
    page.get_by_label("Actor team").select_option(label=world.owner.name)
    expect(page).to_have_url(re.compile(r"actor="))
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#results tbody")).to_contain_text(str(world.asset["fqn"]))
    page.locator("#results tbody").get_by_role("link", name=str(world.asset["id"])).wait_for()
    tomorrow = datetime.now(UTC).date().replace(year=datetime.now(UTC).year + 1).isoformat()
    page.get_by_label("From (UTC)").fill(tomorrow)
    expect(page.locator("#results")).to_contain_text("No events match")


@pytest.mark.parametrize(
    "path",
    ["/teams", "/teams/{reader}", "/search?q=loyalty", "/audit", "/keys", "/keys/{key}/revoke"],
)
def test_admin_pages_have_no_serious_accessibility_violations(
    axe_page: Page, ui_url: str, ui_api: SyncApi, world: World, path: str
) -> None:
    key = ui_api.run(
        lambda api: api.call("POST", "/api-keys", 201, ADMIN, json={"name": "axe", "team_id": world.owner.id})
    )
    sign_in(axe_page, ui_url, BOOTSTRAP_KEY)
    axe_page.goto(ui_url + path.format(reader=world.named_reader.id, key=key["id"]))
    expect(axe_page.locator("h1")).to_be_visible()
    assert_accessible(axe_page)
