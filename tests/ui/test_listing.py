"""List parameters and the links that keep them; the sign-in redirect's ``next`` guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from starlette.requests import Request

from tessera.db.paging import PageTotal
from tessera.errors import ValidationFailed
from tessera.ui.listing import ListParams, ListView, list_params
from tessera.ui.render import absolute_time, relative_time
from tessera.ui.security import is_ui_path, safe_next


def _request(query: str) -> Request:
    return Request(
        {"type": "http", "method": "GET", "path": "/x", "query_string": query.encode(), "headers": []}
    )


def test_params_keep_only_known_non_empty_filters() -> None:
    params = list_params(
        _request("q=+ab+&owner=&x=1&sort=-name&page=3"),
        sorts=["name"],
        default_sort="name",
        filters=["q", "owner"],
    )
    assert params == ListParams(page=3, sort="name", descending=True, filters={"q": "ab"})
    assert params.offset == 50


@pytest.mark.parametrize("query", ["page=0", "page=-1", "page=two", "sort=password"])
def test_bad_params_are_the_users_mistake(query: str) -> None:
    with pytest.raises(ValidationFailed):
        list_params(_request(query), sorts=["name"], default_sort="name", filters=[])


def test_view_links_continue_by_cursor() -> None:
    total = PageTotal(250, next_cursor="n1", previous_cursor="p1")
    params = ListParams(1, "fqn", False, {"q": "a b"}, cursor="c0")
    view = ListView("/assets", params, items=[1] * 25, total=total)
    assert view.next_url == "/assets?q=a+b&sort=fqn&cursor=n1"
    assert view.previous_url == "/assets?q=a+b&sort=fqn&cursor=p1"
    assert view.first_url == "/assets?q=a+b&sort=fqn"
    # Another sort starts again at the first page: a cursor belongs to one order.
    assert view.sort_url("fqn") == "/assets?q=a+b&sort=-fqn"
    assert view.sort_url("created_at") == "/assets?q=a+b&sort=created_at"
    first = ListView("/assets", ListParams(1, "fqn", False), items=[1], total=PageTotal(1))
    assert (first.next_url, first.previous_url, first.first_url) == (None, None, None)


def test_a_cursor_places_the_page_instead_of_its_number() -> None:
    params = list_params(_request("page=3&cursor=abc"), sorts=["name"], default_sort="name", filters=[])
    assert (params.cursor, params.offset) == ("abc", 0)
    with pytest.raises(ValidationFailed):
        list_params(_request("cursor=" + "x" * 3000), sorts=["name"], default_sort="name", filters=[])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("/assets?q=1", "/assets?q=1"),
        (None, "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/ok\r\nSet-Cookie: x", "/"),
    ],
)
def test_next_stays_on_this_site(value: str | None, expected: str) -> None:
    assert safe_next(value) == expected


@pytest.mark.parametrize(
    ("path", "ui"),
    [
        ("/", True),
        ("/assets", True),
        ("/static/tessera.css", True),
        ("/api/v1/teams", False),
        ("/docs", False),
        ("/openapi.json", False),
        ("/health/ready", False),
        ("/apis", True),
        ("/api/nowhere", False),
    ],
)
def test_which_paths_are_ui_pages(path: str, ui: bool) -> None:
    assert is_ui_path(path) is ui


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=1), "1 minute ago"),
        (timedelta(hours=5, minutes=3), "5 hours ago"),
        (timedelta(days=-2), "in 2 days"),
    ],
)
def test_relative_time(delta: timedelta, text: str) -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert relative_time(now - delta, now) == text
    assert absolute_time(now) == "2026-12-07 12:00 UTC"
