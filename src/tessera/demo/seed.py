"""Seed a fresh database with the demo's story, through the services only (no SQL of its own).

The story, on the ``shop`` dbt project (see ``data/ORIGIN.md``):

* five teams with contacts and members: **analytics** (owns the marts), **finance** (owns revenue and the
  ERP source, reads the marts), **ingest** (owns the raw sources), **data-platform** (owns staging, seeds
  and the snapshot; holds the admin key) and **marketing** (a consumer only);
* the manifest synced by data-platform's admin key: assets, contracts, owners, lineage and the
  consumer registrations dbt's ``ref()``/exposures imply; marketing then registers by hand, naming the
  columns it reads, and finance narrows its registration on the orders fact to its columns;
* ``proposals["open"]``: analytics drops ``status`` from the orders fact; marketing answered *migrating*
  with a deadline, finance has not answered;
* ``proposals["approved"]``: analytics stops exposing ``email`` in the customer dimension; both consumer
  teams approve, so it is approved and published as 2.0.0;
* ``proposals["blocked"]``: data-platform turns ``stg_orders.amount`` into integer cents; analytics
  blocks it with a reason;
* a compatible change to ``finance_revenue`` published at once (1.1.0);
* a week of data-quality runs on four assets, some failing;
* two webhooks, delivered by the real worker: analytics' to a local receiver (delivered), finance's to a
  name under ``.invalid`` (RFC 6761: never resolves, so every attempt fails for good);
* API keys per team, printed by the runner so a visitor can sign in as owner, consumer, admin or viewer.

Every step acts as a team's own key (authenticated like an API request), so the audit log reads like real
use. :func:`seed_demo` commits step by step, each step in its own transaction, as requests would.
"""

from __future__ import annotations

import importlib.resources
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tessera.api_keys.schemas import ApiKeyCreate
from tessera.api_keys.service import create_key
from tessera.auth.authentication import KeyAuthenticator
from tessera.auth.principal import Principal, system_principal
from tessera.config import Settings
from tessera.db.base import utcnow
from tessera.demo.story import CUSTOMERS, ORDERS, propose, record_quality
from tessera.enums import Scope
from tessera.ingest.dbt import parse_manifest
from tessera.ingest.dbt.column_lineage import analyse_project
from tessera.notifications.events import EventType
from tessera.notifications.ssrf import UrlPolicy
from tessera.registrations import repository as registrations_repo
from tessera.registrations.schemas import RegistrationCreate, RegistrationUpdate
from tessera.registrations.service import register, update
from tessera.sync.service import SyncOptions, sync_manifest
from tessera.teams.schemas import TeamCreate
from tessera.teams.service import create_team
from tessera.users.schemas import UserCreate
from tessera.users.service import create_user
from tessera.webhooks.schemas import WebhookCreate
from tessera.webhooks.service import create as create_webhook
from tessera.worker.channels import Channels, url_policy
from tessera.worker.runner import sweep_once

MANIFEST = "shop_manifest.json.gz"
FAILING_WEBHOOK_URL = "https://hooks.finance-bi.invalid/tessera"
"""Never resolves (RFC 6761 reserves ``.invalid``): the worker records a permanent DNS failure."""


@dataclass(frozen=True, slots=True)
class TeamSpec:
    """A demo team, its members (email, name, Slack id, GitHub user) and its key."""

    name: str
    description: str
    contact: str
    members: tuple[tuple[str, str, str, str], ...]
    role: str
    scope: Scope


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec(
        "analytics",
        "Owns the marts: orders and customers.",
        "#analytics",
        (("analytics@shop.example", "Ana Lind", "U01ANALYT", "ana-lind"),),
        "owner",
        Scope.WRITE,
    ),
    TeamSpec(
        "finance",
        "Revenue reporting; reads the orders and customer marts.",
        "#finance",
        (("finance@shop.example", "Farid Okafor", "U02FINANC", "farid-o"),),
        "consumer",
        Scope.WRITE,
    ),
    TeamSpec(
        "marketing",
        "Campaigns and segments; reads orders and customers.",
        "marketing-data@shop.example",
        (("mira@shop.example", "Mira Castell", "U03MARKET", "mirac"),),
        "consumer",
        Scope.WRITE,
    ),
    TeamSpec(
        "ingest",
        "Lands the raw tables.",
        "#ingest",
        (("ingest@shop.example", "Ivo Brandt", "U04INGEST", "ivob"),),
        "owner",
        Scope.WRITE,
    ),
    TeamSpec(
        "data-platform",
        "Staging layer, seeds and snapshots; runs Tessera.",
        "#data-platform",
        (("platform@shop.example", "Pia Novak", "U05PLATFM", "pia-novak"),),
        "admin",
        Scope.ADMIN,
    ),
)


@dataclass(frozen=True, slots=True)
class DemoKey:
    """A key to sign in with, and what it lets you see."""

    team: str
    role: str
    scope: str
    key: str


@dataclass(slots=True)
class DemoSeed:
    """What the seeding made: keys to print, ids for the screenshot script and the tests."""

    keys: list[DemoKey] = field(default_factory=list)
    teams: dict[str, uuid.UUID] = field(default_factory=dict)
    assets: dict[str, uuid.UUID] = field(default_factory=dict)
    """Asset id by dbt ``unique_id``."""
    proposals: dict[str, uuid.UUID] = field(default_factory=dict)
    webhooks: dict[str, uuid.UUID] = field(default_factory=dict)


def manifest_bytes() -> bytes:
    """The demo's dbt manifest (gzip), shipped in the package."""
    return (importlib.resources.files("tessera.demo") / "data" / MANIFEST).read_bytes()


async def seed_demo(
    session_factory: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    receiver_url: str,
    now: datetime | None = None,
) -> DemoSeed:
    """Fill an empty, migrated database with the demo (see the module docstring); returns its keys and ids.

    ``receiver_url`` is where analytics' webhook posts (a :class:`~tessera.demo.receiver.WebhookReceiver`);
    its address must be allowed by ``settings.webhook_allowlist``. The worker runs until nothing is due,
    so the deliveries exist, delivered or failed, when this returns.
    """
    now = now or utcnow()
    seed = DemoSeed()
    server_key = settings.resolved_secret_key()
    async with session_factory() as session, session.begin():
        raw_keys = await _teams_and_keys(session, seed, server_key)
    auth = KeyAuthenticator(session_factory, server_key, bootstrap_key=None, ttl_seconds=0)
    who = {team: await auth.authenticate(key) for team, key in raw_keys.items()}
    viewer = raw_keys.pop("marketing/viewer")
    async with session_factory() as session, session.begin():
        await _webhooks(session, who, seed, receiver_url, settings)
    async with session_factory() as session, session.begin():
        project = parse_manifest(manifest_bytes())
        result = await sync_manifest(
            session,
            who["data-platform"],
            project,
            SyncOptions(owner_team_id=seed.teams["data-platform"]),
            analyse_project(project, workers=0),  # as the sync endpoint does (in process: 11 models)
        )
        seed.assets = {a.unique_id: a.asset_id for a in result.assets if a.asset_id is not None}
    async with session_factory() as session, session.begin():
        await _registrations(session, who, seed)
    async with session_factory() as session, session.begin():
        seed.proposals = await propose(session, who, seed.assets, now)
    async with session_factory() as session, session.begin():
        await record_quality(session, who, seed.assets, now)
    seed.keys.append(DemoKey("marketing", "viewer (read only)", Scope.READ.value, viewer))
    await _deliver(session_factory, settings)
    return seed


async def _teams_and_keys(session: AsyncSession, seed: DemoSeed, server_key: str) -> dict[str, str]:
    """Teams, members and one key each (plus a read-only marketing key), as the server itself."""
    system = system_principal()
    keys: dict[str, str] = {}
    for spec in TEAMS:
        team = await create_team(
            session,
            system,
            TeamCreate(name=spec.name, description=spec.description, contact=spec.contact),
            UrlPolicy(),  # no Slack URL to check
        )
        seed.teams[spec.name] = team.id
        users = [
            await create_user(
                session,
                system,
                UserCreate(
                    email=email, name=name, slack_member_id=slack, github_username=github, team_ids=[team.id]
                ),
            )
            for email, name, slack, github in spec.members
        ]
        created = await create_key(
            session,
            system,
            ApiKeyCreate(name=f"{spec.name} demo", team_id=team.id, user_id=users[0].id, scopes=[spec.scope]),
            server_key,
        )
        keys[spec.name] = created.key
        seed.keys.append(DemoKey(spec.name, spec.role, spec.scope.value, created.key))
    viewer = await create_key(
        session,
        system,
        ApiKeyCreate(name="marketing viewer", team_id=seed.teams["marketing"], scopes=[Scope.READ]),
        server_key,
    )
    keys["marketing/viewer"] = viewer.key
    return keys


async def _webhooks(
    session: AsyncSession,
    who: Mapping[str, Principal],
    seed: DemoSeed,
    receiver_url: str,
    settings: Settings,
) -> None:
    """Analytics' endpoint (the local receiver) and finance's endpoint that cannot resolve."""
    policy = url_policy(settings)
    proposal_events = [e for e in EventType if e.value.startswith("proposal.")]
    healthy = await create_webhook(
        session,
        who["analytics"],
        WebhookCreate(url=receiver_url, events=proposal_events, description="Analytics on-call bot"),
        policy,
    )
    broken = await create_webhook(
        session,
        who["finance"],
        WebhookCreate(
            url=FAILING_WEBHOOK_URL,
            events=[EventType.PROPOSAL_CREATED],
            description="Finance BI alerts (its host was decommissioned)",
        ),
        policy,
    )
    seed.webhooks = {"analytics": healthy.id, "finance": broken.id}


async def _registrations(session: AsyncSession, who: Mapping[str, Principal], seed: DemoSeed) -> None:
    """Marketing registers with the columns it reads; finance narrows its dbt registration on orders."""
    orders, customers = seed.assets[ORDERS], seed.assets[CUSTOMERS]
    await register(
        session,
        who["marketing"],
        RegistrationCreate(
            asset_id=orders,
            columns=["order_id", "customer_id", "status", "country_code"],
            purpose="Campaign attribution by order status and country.",
        ),
    )
    await register(
        session,
        who["marketing"],
        RegistrationCreate(
            asset_id=customers,
            columns=["customer_id", "email", "tier"],
            purpose="Segments for the newsletter.",
        ),
    )
    finance_on_orders = await registrations_repo.find(session, orders, seed.teams["finance"])
    if finance_on_orders is not None:  # created by the sync from finance_revenue's ref()
        await update(
            session,
            who["finance"],
            finance_on_orders.id,
            RegistrationUpdate(
                columns=["order_id", "status", "amount", "ordered_at"], purpose="Daily revenue."
            ),
        )


async def _deliver(session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
    """The worker's own passes until nothing is due: outbox -> deliveries -> attempts."""
    channels = Channels(settings)
    try:
        while await sweep_once(session_factory, settings, channels):
            continue  # a pass returns how much it did: stop at the first idle one
    finally:
        await channels.aclose()
