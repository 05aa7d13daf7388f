"""The schema editor in a browser: table <-> JSON sync, errors at their line, the live verdict, the proposal
loop from the owner's edit to the consumer's answer, and accessibility."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.helpers import Api, TeamCtx, record_schema, shared_asset
from tests.ui.browser.conftest import SyncApi, assert_accessible, sign_in
from tests.ui.helpers import raw_key

MANIFESTS = Path(__file__).parents[2] / "fixtures" / "dbt" / "manifests"
SCHEMA = record_schema({"id": "integer", "email": "string", "note": "string"}, ["id"])


@dataclass
class Setup:
    owner: TeamCtx
    consumer: TeamCtx
    asset_id: str


def _setup(ui_api: SyncApi) -> Setup:
    async def build(api: Api) -> Setup:
        shared = await shared_asset(api, SCHEMA, register_with=[{"columns": ["id", "email"]}])
        return Setup(shared.owner, shared.consumer, shared.asset["id"])

    return ui_api.run(build)


@pytest.fixture
def setup(ui_api: SyncApi) -> Setup:
    """A fresh asset per test (the browser tests share one server and database)."""
    return _setup(ui_api)


def open_editor(page: Page, ui_url: str, setup: Setup, key: dict[str, str] | None = None) -> None:
    path = f"/assets/{setup.asset_id}/check"
    sign_in(page, ui_url, raw_key(key or setup.owner.write), next_url=path)
    expect(page.locator("#verdict [data-verdict]")).to_have_attribute("data-verdict", "unchanged")


def json_text(page: Page) -> str:
    return str(page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()"))


def wait_json(page: Page, text: str, present: bool = True) -> None:
    """Wait until the JSON view contains ``text`` (or no longer does)."""
    script = "([text, present]) => document.querySelector('.CodeMirror').CodeMirror.getValue()"
    page.wait_for_function(script + ".includes(text) === present", arg=[text, present])


def json_value(page: Page) -> Any:
    return json.loads(json_text(page))


def replace_json(page: Page, text: str) -> None:
    """Select everything in the JSON view and type (paste) ``text`` over it, as a person would."""
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(text)


def column_names(page: Page) -> list[str]:
    return [
        page.locator("#schema-table [data-field=name]").nth(i).input_value()
        for i in range(page.locator("#schema-table [data-field=name]").count())
    ]


def test_editing_the_json_updates_the_table(page: Page, ui_url: str, setup: Setup) -> None:
    open_editor(page, ui_url, setup)
    assert column_names(page) == ["id", "email", "note"]
    changed = record_schema(
        {"id": "integer", "note": "string", "born_on": {"type": "string", "format": "date"}}
    )
    replace_json(page, json.dumps(changed, indent=2))
    expect(page.get_by_label("Name of column 3")).to_have_value("born_on")
    assert column_names(page) == ["id", "note", "born_on"]
    assert page.get_by_label("Type of born_on").input_value() == "date"
    assert page.get_by_label("born_on is required").is_checked()
    # The verdict follows the draft: email is gone, the consumer reads it.
    expect(page.locator("#verdict [data-verdict]")).to_have_attribute("data-verdict", "breaking")
    # Tab leaves the JSON view (keyboard users are not trapped in it).
    page.locator(".CodeMirror").click()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check the verdict")).to_be_focused()


def test_editing_the_table_updates_the_json(page: Page, ui_url: str, setup: Setup) -> None:
    open_editor(page, ui_url, setup)
    page.get_by_label("Name of column 3").fill("remark")
    wait_json(page, '"remark"')
    assert list(json_value(page)["properties"]) == ["id", "email", "remark"]

    page.get_by_label("Type of remark").select_option("integer")
    page.get_by_label("remark may be null").check()
    page.get_by_label("remark is required").check()
    page.get_by_label("Description of remark").fill("free text")
    wait_json(page, "free text")
    remark = json_value(page)["properties"]["remark"]
    assert remark == {"type": ["integer", "null"], "description": "free text"}
    assert json_value(page)["required"] == ["id", "remark"]

    page.get_by_label("Constraints of remark").click()
    page.get_by_label("Minimum of remark").fill("0")
    page.get_by_label("Allowed values (comma-separated) of remark").fill("1, 2, 3")
    wait_json(page, '"enum"')
    assert json_value(page)["properties"]["remark"]["enum"] == [1, 2, 3, None]

    # Reorder with the buttons and with the keyboard; add and remove.
    page.get_by_role("button", name="Move remark up").click()
    expect(page.get_by_role("button", name="Move remark up")).to_be_focused()
    page.get_by_label("Name of column 1").focus()
    page.keyboard.press("Alt+ArrowDown")
    expect(page.get_by_label("Name of column 2")).to_have_value("id")
    expect(page.get_by_label("Name of column 2")).to_be_focused()
    page.get_by_role("button", name="Add a column").click()
    expect(page.get_by_label("Name of column 4")).to_be_focused()
    page.keyboard.type("country")
    page.get_by_role("button", name="Remove email").click()
    wait_json(page, '"email"', present=False)
    wait_json(page, '"country"')
    assert list(json_value(page)["properties"]) == ["remark", "id", "country"]

    # Two columns with one name cannot be written as JSON: the table says so and the JSON waits.
    page.get_by_label("Name of column 3").fill("id")
    expect(page.locator("#json-status")).to_contain_text('Two columns are named "id"')
    assert list(json_value(page)["properties"]) == ["remark", "id", "country"]


def test_json_errors_are_shown_at_their_line(page: Page, ui_url: str, setup: Setup) -> None:
    open_editor(page, ui_url, setup)
    replace_json(page, '{\n  "type": "object",\n  "properties": {\n    "id": {"type": "integer"},\n  }\n}')
    expect(page.locator("#json-status")).to_contain_text("JSON error on line 5")
    marked = page.locator(".CodeMirror-code > div").nth(4).locator(".CodeMirror-lint-marker-error")
    expect(marked).to_have_count(1)
    expect(page.get_by_label("Name of column 1")).to_be_disabled()

    # Valid JSON, but not a valid schema: the server's message, marked at the line of its JSON path.
    bad = '{\n  "type": "object",\n  "properties": {\n    "id": {"type": "integr"}\n  }\n}'
    replace_json(page, bad)
    expect(page.locator("#verdict [role=alert]")).to_contain_text("unknown type 'integr'")
    marked = page.locator(".CodeMirror-code > div").nth(3).locator(".CodeMirror-lint-marker-error")
    expect(marked).to_have_count(1)
    expect(page.get_by_label("Name of column 1")).to_be_enabled()


def test_import_a_model_from_an_uploaded_manifest(page: Page, ui_url: str, setup: Setup) -> None:
    open_editor(page, ui_url, setup, key=setup.owner.read)
    page.get_by_label("or paste the manifest").fill('{"metadata": {}, "nodes": {')
    page.get_by_role("button", name="Read the manifest").click()
    expect(page.locator("#dbt-result [role=alert]")).to_contain_text("The manifest cannot be used")
    expect(page.locator("#dbt-result")).to_contain_text("truncated")

    page.get_by_label("or paste the manifest").fill("")
    page.get_by_label("A manifest.json file (plain or gzip)").set_input_files(
        str(MANIFESTS / "shop__base.json.gz")
    )
    page.get_by_role("button", name="Read the manifest").click()
    page.get_by_label("Model").select_option("model.shop.fct_orders")
    page.get_by_role("button", name="Use this model's columns").click()
    expect(page.locator("#dbt-result")).to_contain_text("are now the draft")
    expect(page.get_by_label("Name of column 1")).to_have_value("order_id")
    assert column_names(page)[:3] == ["order_id", "customer_id", "country_code"]
    assert "order_id" in json_value(page)["properties"]
    # The asset's own columns are gone from the draft: the verdict says it breaks its consumer.
    expect(page.locator("#verdict [data-verdict]")).to_have_attribute("data-verdict", "breaking")


def test_a_read_key_sees_the_verdict_but_no_publish(page: Page, ui_url: str, setup: Setup) -> None:
    open_editor(page, ui_url, setup, key=setup.owner.read)
    page.get_by_role("button", name="Remove email").click()
    expect(page.locator("#verdict [data-verdict]")).to_have_attribute("data-verdict", "breaking")
    expect(page.get_by_role("button", name=re.compile("Publish|Open the proposal"))).to_have_count(0)
    expect(page.get_by_text("you can check changes but not publish them")).to_be_visible()


def test_the_whole_proposal_loop(page: Page, ui_url: str, setup: Setup) -> None:
    # The owner removes a column the consumer reads: a breaking change, and the consumer must answer.
    open_editor(page, ui_url, setup)
    page.get_by_role("button", name="Remove email").click()
    verdict = page.locator("#verdict")
    expect(verdict.locator("[data-verdict]")).to_have_attribute("data-verdict", "breaking")
    expect(verdict.locator("table.must-answer")).to_contain_text(setup.consumer.name)
    expect(verdict.locator("table.must-answer")).to_contain_text("email")
    page.get_by_label("Reason").fill("email moves to the customers table")
    page.get_by_role("button", name="Open the proposal").click()
    expect(page.locator("#outcome")).to_contain_text("Proposal opened")
    link = page.locator("#outcome").get_by_role("link", name="Open the proposal")
    proposal_path = str(link.get_attribute("href"))
    assert re.fullmatch(r"/proposals/[0-9a-f-]{36}", proposal_path)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/signin"))

    # The consumer finds it in the inbox, approves it in the browser, and the contract is published.
    sign_in(page, ui_url, raw_key(setup.consumer.write))
    expect(page).to_have_url(f"{ui_url}/")
    page.locator(f'a[href="{proposal_path}"]').click()
    expect(page).to_have_url(f"{ui_url}{proposal_path}")
    expect(page.locator("mark.affected").first).to_have_text(re.compile("email"))
    page.get_by_role("radio", name=re.compile("^Approved")).check()
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#proposal-status")).to_have_text("published")
    page.locator(f'#decision a[href="/assets/{setup.asset_id}?version=2.0.0"]').click()
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("version 2.0.0")
    page.goto(f"{ui_url}/assets/{setup.asset_id}/check")
    expect(page.locator(".asset-facts")).to_contain_text("Current version 2.0.0")
    assert "email" not in json_value(page)["properties"]


def test_the_editor_has_no_serious_accessibility_violations(
    axe_page: Page, ui_url: str, setup: Setup
) -> None:
    open_editor(axe_page, ui_url, setup)
    axe_page.get_by_role("button", name="Remove email").click()
    expect(axe_page.locator("#verdict [data-verdict]")).to_have_attribute("data-verdict", "breaking")
    assert_accessible(axe_page)
