"""The proposal loop in a browser: the inbox, the proposal page and every answer, updated in place (htmx),
plus what a read key may not do, the page without JavaScript, and the accessibility checks."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from tests.helpers import BOOTSTRAP_KEY, V1_NAMED, Proposed, open_proposal, record_schema
from tests.ui.browser.conftest import SyncApi, assert_accessible, sign_in
from tests.ui.helpers import csrf_of, raw_key

WITHOUT_EMAIL = record_schema({"id": "integer", "name": "string"})


def _proposal(ui_api: SyncApi, consumers: int = 1) -> Proposed:
    return ui_api.run(
        lambda api: open_proposal(
            api,
            V1_NAMED,
            WITHOUT_EMAIL,
            consumers=consumers,
            register_with=[{"columns": ["id", "email"]}] * consumers,
            expires_at=(datetime.now(UTC) + timedelta(days=7)).isoformat(),
        )
    )


def _open(page: Page, ui_url: str, key: str, proposal_id: str) -> None:
    sign_in(page, ui_url, key, next_url=f"/proposals/{proposal_id}")
    # A marker that a full page load would wipe: the answers must update the page in place.
    page.evaluate("window.tesseraMarker = 'still here'")


def _choose(page: Page, answer: str) -> None:
    page.get_by_role("radio", name=re.compile(f"^{answer}")).check()


def _not_reloaded(page: Page) -> None:
    assert page.evaluate("window.tesseraMarker") == "still here"


def test_consumers_answer_from_the_inbox_and_the_last_approval_publishes(
    page: Page, ui_url: str, ui_api: SyncApi
) -> None:
    s = _proposal(ui_api, consumers=2)
    pid, fqn = s.proposal["id"], s.asset["fqn"]
    first, second = s.consumers
    sign_in(page, ui_url, raw_key(first.write))
    page.get_by_role("link", name=fqn).click()
    expect(page).to_have_url(f"{ui_url}/proposals/{pid}")
    page.evaluate("window.tesseraMarker = 'still here'")
    expect(page.locator("table.changes")).to_contain_text("email")
    expect(page.locator("mark.affected").first).to_have_text(re.compile("email"))
    _choose(page, "Approved")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#decision .flash")).to_have_text("Your team approved the change.")
    expect(page.locator("#decision .flash")).to_be_focused()
    expect(page.locator("#proposal-status")).to_have_text("open")
    expect(page.locator("#decision")).to_contain_text(f"Waiting for 1 team: {second.name}")
    _not_reloaded(page)

    page.context.clear_cookies()
    _open(page, ui_url, raw_key(second.write), pid)
    _choose(page, "Approved")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#proposal-status")).to_have_text("published")
    published = page.get_by_role("link", name=f"{fqn} 2.0.0")
    expect(published).to_have_attribute("href", f"/assets/{s.asset['id']}?version=2.0.0")
    expect(page.locator("#answer-form")).to_have_count(0)
    _not_reloaded(page)


def test_migrating_takes_a_deadline(page: Page, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api)
    _open(page, ui_url, raw_key(s.consumer.write), s.proposal["id"])
    _choose(page, "Migrating")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#error-migration_deadline")).to_contain_text("Give the date")
    later = (datetime.now(UTC) + timedelta(days=21)).date()
    page.get_by_label("Migration deadline").fill(later.isoformat())
    _choose(page, "Migrating")
    page.get_by_role("button", name="Send answer").click()
    row = page.locator("table.consumers tr.mine")
    expect(row).to_contain_text("migrating")
    expect(row).to_contain_text(later.isoformat())
    expect(page.locator("#proposal-status")).to_have_text("published")  # migrating accepts the change
    _not_reloaded(page)


def test_a_keyboard_alone_answers(page: Page, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api)
    _open(page, ui_url, raw_key(s.consumer.write), s.proposal["id"])
    approved = page.get_by_role("radio", name=re.compile("^Approved"))
    for _ in range(80):  # Tab through the page, as a keyboard user does, until the first answer
        page.keyboard.press("Tab")
        if approved.evaluate("e => e === document.activeElement"):
            break
    expect(approved).to_be_focused()
    page.keyboard.press("Space")
    expect(approved).to_be_checked()
    send = page.get_by_role("button", name="Send answer")
    for _ in range(10):
        page.keyboard.press("Tab")
        if send.evaluate("e => e === document.activeElement"):
            break
    expect(send).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#decision .flash")).to_have_text("Your team approved the change.")
    expect(page.locator("#decision .flash")).to_be_focused()
    _not_reloaded(page)


def test_blocking_needs_a_reason(page: Page, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api)
    _open(page, ui_url, raw_key(s.consumer.write), s.proposal["id"])
    _choose(page, "Blocked")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator("#error-reason")).to_contain_text("Say why this change blocks your team")
    expect(page.get_by_label("Note or reason")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Note or reason")).to_be_focused()  # the field to fix, not the page top
    page.get_by_label("Note or reason").fill("Our invoices read email")
    page.get_by_role("button", name="Send answer").click()  # the choice was kept
    row = page.locator("table.consumers tr.mine")
    expect(row).to_contain_text("blocked")
    expect(row).to_contain_text("Our invoices read email")
    expect(page.locator("#proposal-status")).to_have_text("open")
    _not_reloaded(page)


def test_the_owner_withdraws(page: Page, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api)
    _open(page, ui_url, raw_key(s.owner.write), s.proposal["id"])
    expect(page.locator("#answer-form")).to_have_count(0)
    page.get_by_label("Reason (optional)").fill("Wrong branch")
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.get_by_role("button", name="Withdraw").click()
    expect(page.locator("#proposal-status")).to_have_text("withdrawn")
    expect(page.locator("#decision")).to_contain_text("Wrong branch")
    assert dialogs and "Withdraw this proposal?" in dialogs[0]
    _not_reloaded(page)


def test_an_admin_force_approves_with_a_reason(page: Page, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api, consumers=2)
    _open(page, ui_url, BOOTSTRAP_KEY, s.proposal["id"])
    page.get_by_role("button", name="Force-approve").click()
    expect(page.locator("#error-force_reason")).to_contain_text("the reason is audited")
    page.get_by_label("Reason (required; audited)").fill("Incident 7 hotfix")
    page.get_by_role("button", name="Force-approve").click()
    expect(page.locator("#proposal-status")).to_have_text("published")
    _not_reloaded(page)
    events = ui_api.run(
        lambda api: api.call(
            "GET",
            f"/audit/events?action=proposal.force_approved&target_id={s.proposal['id']}",
            200,
            {"Authorization": f"Bearer {BOOTSTRAP_KEY}"},
        )
    )
    assert events["items"][0]["details"]["reason"] == "Incident 7 hotfix"


def test_a_read_key_sees_no_buttons_and_its_forged_post_is_refused(
    page: Page, ui_url: str, ui_api: SyncApi
) -> None:
    s = _proposal(ui_api)
    pid = s.proposal["id"]
    _open(page, ui_url, raw_key(s.consumer.read), pid)
    expect(page.locator("table.consumers")).to_be_visible()
    for form in ("#answer-form", "#withdraw-form", "#force-form"):
        expect(page.locator(form)).to_have_count(0)
    token = csrf_of(page.content())
    forged = page.request.post(
        f"{ui_url}/proposals/{pid}/answer", form={"csrf_token": token, "response": "approved"}
    )
    assert forged.status == 403 and "insufficient_scope" in forged.text()
    page.reload()
    expect(page.locator("#proposal-status")).to_have_text("open")


def test_answering_works_without_javascript(browser: Browser, ui_url: str, ui_api: SyncApi) -> None:
    s = _proposal(ui_api)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, ui_url, raw_key(s.consumer.write), next_url=f"/proposals/{s.proposal['id']}")
        _choose(page, "Approved")
        page.get_by_role("button", name="Send answer").click()
        expect(page.locator("#messages .flash")).to_have_text("Your team approved the change.")
        expect(page.locator("#proposal-status")).to_have_text("published")
    finally:
        context.close()


@pytest.mark.parametrize("where", ["inbox", "proposal"])
def test_the_inbox_and_the_proposal_page_are_accessible(
    axe_page: Page, ui_url: str, ui_api: SyncApi, where: str
) -> None:
    s = _proposal(ui_api, consumers=2)
    path = "/" if where == "inbox" else f"/proposals/{s.proposal['id']}"
    sign_in(axe_page, ui_url, raw_key(s.consumer.write), next_url=path)
    if where == "proposal":
        # With an inline error showing, too.
        _choose(axe_page, "Blocked")
        axe_page.get_by_role("button", name="Send answer").click()
        expect(axe_page.locator("#error-reason")).to_be_visible()
    assert_accessible(axe_page)
