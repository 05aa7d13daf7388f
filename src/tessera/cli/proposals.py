"""``tessera proposal list|show|ack|withdraw|force``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

import typer

from tessera.cli.context import Ctx, as_utc, command
from tessera.cli.contracts import change_rows
from tessera.cli.lookup import require_id, resolve_asset, resolve_team_id
from tessera_sdk.models import Proposal

proposal_app = typer.Typer(help="Proposed breaking changes and the consumers' answers.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="Proposal id.")]


class Answer(StrEnum):
    """A consumer's answer."""

    APPROVED = "approved"
    MIGRATING = "migrating"
    BLOCKED = "blocked"


def _render(ctx: Ctx, proposal: Proposal) -> None:
    ctx.fields(
        f"Proposal {proposal.id}",
        [
            ("Asset", proposal.asset_fqn or proposal.asset_id),
            ("Status", proposal.status),
            ("Source", f"{proposal.source} {proposal.source_ref or ''}".strip()),
            ("Versions", f"{proposal.base_version or '-'} -> {proposal.proposed_version or '-'}"),
            ("Reason", proposal.reason),
            ("Expires", proposal.expires_at),
            ("Page", f"{ctx.url.rstrip('/')}/proposals/{proposal.id}"),
        ],
    )
    if proposal.breaking_changes:
        ctx.table(
            "Breaking changes", ["Kind", "Path", "Verdict", "Message"], change_rows(proposal.breaking_changes)
        )
    ctx.table(
        "Consumers",
        ["Team", "Answer", "Deadline", "Reason"],
        [
            (a.team_name or a.team_id, a.response, a.migration_deadline, a.reason)
            for a in proposal.acknowledgments
        ],
    )


@command(proposal_app, "list")
def list_(
    ctx: Ctx,
    asset: Annotated[str | None, typer.Option("--asset", help="Asset id or FQN.")] = None,
    status: Annotated[str | None, typer.Option(help="open, approved, published, withdrawn ...")] = None,
    awaiting: Annotated[
        str | None, typer.Option("--awaiting", help="Only those waiting for this team's answer (id or name).")
    ] = None,
    source_ref: Annotated[str | None, typer.Option(help="Only those of this pull request.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="Show at most this many.")] = 200,
) -> None:
    """List proposals, newest first."""
    client = ctx.client()
    asset_id = resolve_asset(client, asset).id if asset else None
    found = client.proposals.iter_all(
        asset_id=asset_id,
        status=status,
        awaiting_team_id=resolve_team_id(client, awaiting),
        source_ref=source_ref,
    )
    proposals = [p for _, p in zip(range(limit), found, strict=False)]
    if ctx.json:
        ctx.emit_json(proposals)
        return
    rows = [
        (p.id, p.asset_fqn or p.asset_id, p.status, p.source, len(p.pending_team_ids), p.created_at.date())
        for p in proposals
    ]
    ctx.table(f"Proposals ({len(proposals)})", ["Id", "Asset", "Status", "Source", "Pending", "Opened"], rows)


@command(proposal_app, "show")
def show(ctx: Ctx, proposal_id: IdArg) -> None:
    """Show a proposal with every consumer's answer."""
    proposal = ctx.client().proposals.get(require_id(proposal_id, "proposal"))
    if ctx.json:
        ctx.emit_json(proposal)
    else:
        _render(ctx, proposal)


@command(proposal_app, "ack")
def ack(
    ctx: Ctx,
    proposal_id: IdArg,
    response: Annotated[
        Answer, typer.Option("--response", "-r", help="Your team's answer.")
    ] = Answer.APPROVED,
    deadline: Annotated[
        datetime | None, typer.Option(help="Migration deadline (with --response migrating).")
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required with --response blocked).")] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Answer for this team (default: the key's team).")
    ] = None,
) -> None:
    """Acknowledge a proposal for your team."""
    # Said here in the flags the user types; the server would name its own fields (migration_deadline).
    if response is Answer.MIGRATING and deadline is None:
        ctx.fail("--response migrating needs --deadline (the date the migration will be done)")
    if response is Answer.BLOCKED and not reason:
        ctx.fail("--response blocked needs --reason (what the owners should know)")
    client = ctx.client()
    proposal = client.proposals.acknowledge(
        require_id(proposal_id, "proposal"),
        response.value,
        team_id=resolve_team_id(client, team),
        migration_deadline=as_utc(deadline),
        reason=reason,
    )
    if ctx.json:
        ctx.emit_json(proposal)
        return
    ctx.say(f"Answered [bold]{response.value}[/bold]; the proposal is now {proposal.status}.")
    if proposal.pending_team_ids:
        ctx.say(f"Still waiting for {len(proposal.pending_team_ids)} team(s).")


@command(proposal_app, "withdraw")
def withdraw(
    ctx: Ctx, proposal_id: IdArg, reason: Annotated[str | None, typer.Option(help="Why.")] = None
) -> None:
    """Withdraw an open proposal (proposing team or admin)."""
    proposal = ctx.client().proposals.withdraw(require_id(proposal_id, "proposal"), reason)
    if ctx.json:
        ctx.emit_json(proposal)
    else:
        ctx.say(f"Proposal {proposal.id} is now {proposal.status}.")


@command(proposal_app, "force")
def force(ctx: Ctx, proposal_id: IdArg, reason: Annotated[str, typer.Option(help="Why (audited).")]) -> None:
    """Force-approve a proposal without every answer (admin)."""
    proposal = ctx.client().proposals.force_approve(require_id(proposal_id, "proposal"), reason)
    if ctx.json:
        ctx.emit_json(proposal)
    else:
        ctx.say(f"Proposal {proposal.id} is now {proposal.status}.")
