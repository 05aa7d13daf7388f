"""``tessera proposal list|show|ack|withdraw|force``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from tessera.cli.context import Ctx, command, parse_moment
from tessera.cli.contracts import CHANGE_COLUMNS, change_rows
from tessera.cli.lookup import check_choice, require_id, resolve_asset, resolve_team_id
from tessera_sdk.models import Proposal

proposal_app = typer.Typer(help="Proposed breaking changes and the consumers' answers.", no_args_is_help=True)

IdArg = Annotated[str, typer.Argument(help="Proposal id.")]


ANSWERS = ("approved", "migrating", "blocked")


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
            "Breaking changes",
            CHANGE_COLUMNS,
            change_rows(proposal.asset_fqn or "", proposal.breaking_changes),
        )
    ctx.table(
        "Consumers",
        ["Team", "Must answer", "Answer", "Deadline", "Reason"],
        [
            (
                a.team_name or a.team_id,
                a.required,
                a.response if a.required else "informed",
                a.migration_deadline.date() if a.migration_deadline else None,
                a.reason,
            )
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
        str, typer.Option("--response", "-r", help=f"Your team's answer: {', '.join(ANSWERS)}.")
    ] = "approved",
    deadline: Annotated[
        str | None,
        typer.Option(help="Migration deadline, e.g. 2030-01-31 (with --response migrating).", metavar="DATE"),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why (required with --response blocked).")] = None,
    team: Annotated[
        str | None, typer.Option("--team", help="Answer for this team (default: the key's team).")
    ] = None,
) -> None:
    """Acknowledge a proposal for your team."""
    # Said here in the flags the user types; the server would name its own fields (migration_deadline).
    answer = check_choice(response, ANSWERS, "--response") or "approved"
    due = parse_moment(deadline, "--deadline")
    if answer == "migrating" and due is None:
        ctx.fail("--response migrating needs --deadline (the date the migration will be done)")
    if due is not None and due <= datetime.now(UTC):
        ctx.fail(f"--deadline {deadline} is in the past; give the date the migration will be done")
    if answer == "blocked" and not reason:
        ctx.fail("--response blocked needs --reason (what the owners should know)")
    client = ctx.client()
    proposal = client.proposals.acknowledge(
        require_id(proposal_id, "proposal"),
        answer,
        team_id=resolve_team_id(client, team),
        migration_deadline=due,
        reason=reason,
    )
    if ctx.json:
        ctx.emit_json(proposal)
        return
    ctx.say(f"Answered [bold]{answer}[/bold]; the proposal is now {proposal.status}.")
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
