"""One asset: its header on every tab, then the current contract, versions, consumers, lineage, data
quality and audit events (one linkable path each), and the comparison of any two versions.

Routes are thin: parse the query, call :mod:`tessera.ui.asset_page` (which reads through the services and
repositories the API uses), render. Every list is one page with its own filter and sort.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tessera.contracts import repository as contracts_repo
from tessera.contracts import service as contracts_service
from tessera.deps import ReadSessionDep
from tessera.errors import ValidationFailed
from tessera.ui import asset_page
from tessera.ui.changes_view import change_groups, summary
from tessera.ui.deps import UiContext, UiDep
from tessera.ui.listing import ListParams, list_params
from tessera.ui.render import is_htmx, redirect, render

router = APIRouter(include_in_schema=False)

TABS = (
    ("", "Contract"),  # the key is the tab's path under /assets/{id}
    ("versions", "Versions"),
    ("consumers", "Consumers"),
    ("lineage", "Lineage"),
    ("quality", "Data quality"),
    ("audit", "Audit events"),
)
VERSION_CHOICES = 500
"""The compare pickers list at most this many versions (the newest); older ones can be typed in the URL."""


def _context(ui: UiContext, header: asset_page.Header, tab: str, **extra: Any) -> dict[str, Any]:
    base = f"/assets/{header.asset.id}"
    return {
        "ui": ui,
        "header": header,
        "tab": tab,
        "tabs": [(f"{base}/{key}" if key else base, key, label) for key, label in TABS],
        "base": base,
        **extra,
    }


def _block(request: Request) -> str | None:
    """Only the ``results`` region for an htmx request that targets it (filters, sort, pages)."""
    return "results" if is_htmx(request) and request.headers.get("hx-target") == "results" else None


def _params(request: Request, sort: str, filters: Sequence[str] = ()) -> ListParams:
    return list_params(request, sorts=(sort,), default_sort=f"-{sort}", filters=filters)


@router.get("/assets/{asset_id}")
async def asset_overview(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """The asset's header and its current contract: columns with their guarantees, table guarantees.

    ``?tab=<section>`` (a link written the other way) redirects to the section's own path.
    """
    tab = request.query_params.get("tab")
    if tab is not None:
        sections = [key for key, _ in TABS]
        if tab not in sections:
            raise ValidationFailed(
                f"Unknown tab {tab!r}; pick one of: {', '.join(k or 'contract' for k in sections)}.",
                code="invalid_tab",
            )
        return redirect(f"/assets/{asset_id}/{tab}" if tab else f"/assets/{asset_id}")
    asset, header = await asset_page.header(session, asset_id)
    overview = await asset_page.overview(session, asset)
    return render(request, "assets/overview.html", _context(ui, header, "", overview=overview))


@router.get("/assets/{asset_id}/versions")
async def asset_versions(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """Published versions, newest first, each linking to its comparison with the one before it."""
    params = _params(request, "published_at", ("status",))
    asset, header = await asset_page.header(session, asset_id)
    listing = await asset_page.versions(session, asset, params, request.url.path)
    context = _context(
        ui,
        header,
        "versions",
        listing=listing,
        status_options=[(s, s) for s in asset_page.VERSION_STATUSES],
    )
    return render(request, "assets/versions.html", context, block=_block(request))


@router.get("/assets/{asset_id}/consumers")
async def asset_consumers(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """Consumer teams and the columns each reads; filter by team name."""
    params = _params(request, "created_at", ("q",))
    asset, header = await asset_page.header(session, asset_id)
    listing = await asset_page.consumers(session, asset, params, request.url.path)
    context = _context(ui, header, "consumers", listing=listing)
    return render(request, "assets/consumers.html", context, block=_block(request))


@router.get("/assets/{asset_id}/lineage")
async def asset_lineage(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """Assets upstream and downstream, as a graph and as lists."""
    asset, header = await asset_page.header(session, asset_id)
    lineage = await asset_page.lineage(session, asset)
    context = _context(ui, header, "lineage", lineage=lineage, depth=asset_page.LINEAGE_DEPTH)
    return render(request, "assets/lineage.html", context)


@router.get("/assets/{asset_id}/quality")
async def asset_quality(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """The pass-rate trend and the recent data-quality runs."""
    params = _params(request, "run_at", ("status",))
    asset, header = await asset_page.header(session, asset_id)
    quality = await asset_page.quality(session, asset, params, request.url.path)
    context = _context(
        ui,
        header,
        "quality",
        quality=quality,
        listing=quality.runs,
        days=asset_page.TREND_DAYS,
        status_options=[(s, s) for s in asset_page.QUALITY_STATUSES],
    )
    return render(request, "assets/quality.html", context, block=_block(request))


@router.get("/assets/{asset_id}/audit")
async def asset_audit(request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep) -> Response:
    """Audit events about the asset, newest first."""
    params = _params(request, "occurred_at", ("action",))
    asset, header = await asset_page.header(session, asset_id)
    listing = await asset_page.audit(session, asset, params, request.url.path)
    context = _context(ui, header, "audit", listing=listing)
    return render(request, "assets/audit.html", context, block=_block(request))


@router.get("/assets/{asset_id}/compare")
async def asset_compare(
    request: Request, asset_id: uuid.UUID, ui: UiDep, session: ReadSessionDep
) -> Response:
    """Any two versions side by side: the semantic diff under the asset's modes (``from`` -> ``to``).

    Without ``to`` the newest version is compared; without ``from``, the version published before ``to``.
    """
    asset, header = await asset_page.header(session, asset_id)
    choices = await contracts_repo.version_choices(session, asset.id, limit=VERSION_CHOICES)
    names = [version for version, _, _ in choices]
    wanted_to = request.query_params.get("to", "").strip() or (names[0] if names else "")
    wanted_from = request.query_params.get("from", "").strip()
    if not wanted_from and wanted_to in names and names.index(wanted_to) + 1 < len(names):
        wanted_from = names[names.index(wanted_to) + 1]
    diff = groups = None
    if wanted_from and wanted_to:
        diff = await contracts_service.diff_versions(session, asset.id, wanted_from, wanted_to)
        groups = change_groups(diff.changes, diff.guarantee_changes)
    context = _context(
        ui,
        header,
        "compare",
        choices=choices,
        version_names=names,
        from_version=wanted_from,
        to_version=wanted_to,
        diff=diff,
        groups=groups,
        counts=summary(groups or []),
    )
    return render(request, "assets/compare.html", context)
