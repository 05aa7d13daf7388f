#!/usr/bin/env python3
"""Render the demo's pages to PNG files under docs/images/ with Debian's Chromium.

    python3 run.py screenshots [--out docs/images] [--only proposal asset ...] [--width 1280 --height 900]

Seeds a fresh demo database in a temporary directory (``tessera.demo``), serves Tessera on it in a thread,
signs in through the sign-in form with each shot's team key and saves each page at a fixed viewport in
light mode (the shots marked dark in dark mode). The page list is ``tessera.demo.screens.SHOTS``; pages this
build does not have are skipped with a note, pages it has beyond the list are rendered as ``extra-*.png``.

Needs /usr/bin/chromium (``apt-get install -y chromium``); Playwright's own browser download is not used.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.server: the one helper that serves the app in a thread

from playwright.sync_api import Browser, sync_playwright  # noqa: E402
from tests.server import serve_in_thread  # noqa: E402

from tessera.app import create_app  # noqa: E402
from tessera.demo.runner import prepare_demo  # noqa: E402
from tessera.demo.screens import Planned, plan, ui_pages  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")


def shoot(
    browser: Browser, url: str, keys: dict[str, str], item: Planned, out: Path, size: tuple[int, int]
) -> Path:
    """Sign in as the shot's team, open its page, do its interaction, save the PNG."""
    shot = item.shot
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]},
        color_scheme="dark" if shot.dark else "light",
        device_scale_factor=1,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"{url}/signin?next=/")
        page.get_by_label("API key").fill(keys[shot.signed_in_as])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{url}/")
        page.goto(f"{url}{item.path}", wait_until="networkidle")
        if shot.click:
            page.click(shot.click)
        if shot.wait_for:
            page.wait_for_selector(shot.wait_for)
            page.wait_for_load_state("networkidle")
        target = out / f"{shot.name}.png"
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        return target
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    parser.add_argument("--only", nargs="*", default=None, help="names of the shots to render")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Debian's Chromium with `apt-get install -y chromium`")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tessera-shots-") as scratch:
        demo = prepare_demo(Path(scratch) / "demo.db", "http://127.0.0.1:8000", worker_enabled=False)
        try:
            keys = {k.team: k.key for k in demo.seed.keys if k.scope != "read"}
            planned, notes = plan(ui_pages(create_app(demo.settings)), demo.seed)
            if args.only:
                planned = [p for p in planned if p.shot.name in args.only]
                notes = [n for n in notes if n.split(":", 1)[0] in args.only]
            failures = 0
            with serve_in_thread(demo.settings) as url, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
                for item in planned:
                    started = time.perf_counter()
                    try:
                        target = shoot(browser, url, keys, item, args.out, (args.width, args.height))
                    except Exception as exc:  # one broken page must not lose the others' pictures
                        failures += 1
                        print(f"FAILED {item.shot.name} ({item.path}): {exc}")
                        continue
                    took = time.perf_counter() - started
                    print(
                        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}  {item.path}"
                        f"  ({took:.1f} s)"
                    )
                browser.close()
        finally:
            demo.receiver.stop()
    for note in notes:
        print(note)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
