"""The screenshot script's page list: which pages it renders on a given build, and with which demo objects."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from fastapi import FastAPI

from tessera.demo.screens import SHOTS, Shot, demo_values, plan, ui_pages
from tessera.demo.seed import TEAMS, DemoSeed
from tessera.demo.story import CUSTOMERS, ORDERS, REVENUE


def fake_seed() -> DemoSeed:
    seed = DemoSeed()
    seed.proposals = {name: uuid.uuid4() for name in ("open", "approved", "blocked")}
    seed.assets = {uid: uuid.uuid4() for uid in (ORDERS, CUSTOMERS, REVENUE)}
    seed.teams = {spec.name: uuid.uuid4() for spec in TEAMS}
    return seed


def test_listed_pages_get_their_demo_objects_and_missing_pages_are_skipped() -> None:
    seed = fake_seed()
    pages = {"/", "/proposals/{proposal_id}", "/assets/{asset_id}/compare"}
    planned, notes = plan(pages, seed)
    paths = {p.shot.name: p.path for p in planned}
    assert paths == {
        "home": "/",
        "proposal": f"/proposals/{seed.proposals['open']}",
        "proposal-dark": f"/proposals/{seed.proposals['open']}",
        "compare": f"/assets/{seed.assets[CUSTOMERS]}/compare?from=1.0.0&to=2.0.0",
    }
    assert next(p for p in planned if p.shot.name == "proposal-dark").shot.dark
    assert "editor: skipped, /assets/{asset_id}/check is not a page of this build" in notes
    assert len(notes) == len(SHOTS) - 4


def test_pages_beyond_the_list_are_rendered_too_when_the_demo_can_fill_them() -> None:
    seed = fake_seed()
    planned, notes = plan({"/", "/assets/{asset_id}/history", "/widgets/{widget_id}"}, seed)
    extra = {p.shot.name: p.path for p in planned if p.shot.name.startswith("extra-")}
    assert extra == {"extra-assets-history": f"/assets/{seed.assets[ORDERS]}/history"}
    assert "/widgets/{widget_id}: not rendered, the demo has no value for its parameters" in notes


def test_a_listed_page_whose_object_the_demo_lacks_is_skipped() -> None:
    seed = fake_seed()
    shot = Shot("ghost", "/proposals/{proposal_id}", "finance", params=(("proposal_id", "proposal:nope"),))
    planned, notes = plan({"/proposals/{proposal_id}"}, seed, shots=[shot])
    assert planned == []
    assert notes == ["ghost: skipped, the demo has no value for a parameter of /proposals/{proposal_id}"]


def test_every_listed_shot_can_be_filled_and_signs_in_with_a_demo_team() -> None:
    seed = fake_seed()
    values = demo_values(seed)
    writers = {spec.name for spec in TEAMS}
    names = [s.name for s in SHOTS]
    assert len(names) == len(set(names))
    for shot in SHOTS:
        assert shot.signed_in_as in writers, shot.name
        assert all(value in values for _, value in shot.params), shot.name
    planned, notes = plan({s.route for s in SHOTS}, seed)
    assert [p.shot.name for p in planned] == names
    assert notes == []
    required = {"home", "proposal", "asset", "compare", "editor", "teams", "search", "audit"}
    assert required <= set(names)
    assert any(s.dark for s in SHOTS)
    editor = next(s for s in SHOTS if s.name == "editor")
    assert editor.wait_for == '[data-verdict="breaking"]'


def test_ui_pages_are_the_routers_get_pages(app: FastAPI) -> None:
    pages = ui_pages(app)
    assert {"/", "/assets"} <= pages
    assert not {"/signin", "/signout"} & pages
    assert not [p for p in pages if p.startswith(("/api", "/static", "/docs", "/health"))]
    planned, _ = plan(pages, fake_seed())
    assert {"home", "assets"} <= {p.shot.name for p in planned}


def test_the_readme_solution_shows_screenshots_the_script_renders() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    solution = readme.split("## The Solution", 1)[1].split("\n## ", 1)[0]
    shown = re.findall(r"\]\(docs/images/([a-z-]+)\.png\)", solution)
    assert shown == ["proposal", "asset", "editor"]
    assert set(shown) <= {s.name for s in SHOTS}
    assert "tessera.demo.seed.seed_demo" in readme
