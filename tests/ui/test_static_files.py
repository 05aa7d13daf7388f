"""Static files: compressed for browsers that accept gzip, plain otherwise, revalidation kept."""

from __future__ import annotations

import gzip
import re

import httpx

from tessera.ui.render import STATIC_DIR

EDITOR = "/static/vendor/codemirror/codemirror.min.js"


async def test_a_script_is_served_gzipped_to_a_browser_and_plain_to_others(client: httpx.AsyncClient) -> None:
    plain = await client.get(EDITOR, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    raw = (STATIC_DIR / "vendor/codemirror/codemirror.min.js").read_bytes()
    assert plain.content == raw

    packed = await client.get(EDITOR, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.status_code == 200
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.headers["vary"] == "Accept-Encoding"
    assert packed.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert int(packed.headers["content-length"]) < len(raw) / 2  # what travels is the compressed size
    assert packed.content == raw  # httpx decodes: the bytes are the file's


async def test_revalidation_and_small_files_are_untouched(client: httpx.AsyncClient) -> None:
    first = await client.get(EDITOR, headers={"Accept-Encoding": "identity"})
    again = await client.get(
        EDITOR, headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    ranged = await client.get(EDITOR, headers={"Accept-Encoding": "gzip", "Range": "bytes=0-9"})
    assert "content-encoding" not in ranged.headers


def test_the_compressed_bytes_are_the_file() -> None:
    from tessera.ui.static_files import _compressed

    path = STATIC_DIR / "tessera.css"
    stat = path.stat()
    assert gzip.decompress(_compressed(str(path), stat.st_size, stat.st_mtime_ns)) == path.read_bytes()


async def test_pages_name_an_icon_tessera_serves(client: httpx.AsyncClient) -> None:
    """Without one the browser asks for /favicon.ico and logs a 404 on every first visit."""
    html = (await client.get("/signin")).text
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', html)
    assert icon is not None
    served = await client.get(icon.group(1))
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/svg+xml")
