"""HTTP routes for contracts: publish, list, get, diff, guarantees patch."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from tessera.assets.service import require_asset
from tessera.contracts import repository, service
from tessera.contracts.publishing import PublishCommand, publish
from tessera.contracts.schemas import (
    ContractDiff,
    ContractPublish,
    ContractRead,
    GuaranteesPatch,
    PublishResult,
)
from tessera.deps import PageDep, ReadPrincipal, ReadSessionDep, WritePrincipal, WriteSessionDep
from tessera.enums import PublishOutcome
from tessera.schemas import ListPage, large_model_response, page_response

router = APIRouter(tags=["contracts"])

_STATUS = {
    PublishOutcome.PUBLISHED: status.HTTP_201_CREATED,
    PublishOutcome.FORCE_PUBLISHED: status.HTTP_201_CREATED,
    PublishOutcome.PROPOSED: status.HTTP_202_ACCEPTED,
    PublishOutcome.UNCHANGED: status.HTTP_200_OK,
}


@router.post(
    "/assets/{asset_id}/contracts",
    response_model=PublishResult,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": PublishResult, "description": "Unchanged: already the current contract"},
        202: {"model": PublishResult, "description": "Breaking: a proposal was opened"},
    },
)
async def publish_contract(
    asset_id: uuid.UUID,
    data: ContractPublish,
    response: Response,
    session: WriteSessionDep,
    principal: WritePrincipal,
) -> PublishResult:
    """Publish a contract: 201 published, 202 proposal opened (breaking), 200 unchanged."""
    cmd = PublishCommand(
        schema=data.schema_,
        guarantees=data.guarantees,
        version=data.version,
        force=data.force,
        reason=data.reason,
        expires_at=data.expires_at,
        source_ref=data.source_ref,
    )
    out = await publish(session, principal, asset_id, cmd)
    response.status_code = _STATUS[out.outcome]
    return await service.to_result(session, out)


@router.get("/assets/{asset_id}/contracts", response_model=ListPage[ContractRead])
async def list_contracts(
    asset_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal, page: PageDep
) -> Response:
    """Versions of an asset's contract, newest first."""
    await require_asset(session, asset_id)
    rows, total = await repository.list_for_asset(
        session, asset_id, limit=page.limit, offset=page.offset, cursor=page.cursor
    )
    return page_response(ContractRead, rows, total, page)


@router.get("/assets/{asset_id}/contracts/diff", response_model=ContractDiff)
async def diff_contracts(
    asset_id: uuid.UUID, from_version: str, to_version: str, session: ReadSessionDep, _: ReadPrincipal
) -> Response:
    """What changed between two published versions."""
    return await large_model_response(
        await service.diff_versions(session, asset_id, from_version, to_version)
    )


@router.get("/contracts/{contract_id}", response_model=ContractRead)
async def get_contract(contract_id: uuid.UUID, session: ReadSessionDep, _: ReadPrincipal) -> ContractRead:
    """One contract version."""
    return ContractRead.model_validate(await service.require_contract(session, contract_id))


@router.patch("/contracts/{contract_id}/guarantees", response_model=PublishResult)
async def patch_guarantees(
    contract_id: uuid.UUID,
    data: GuaranteesPatch,
    response: Response,
    session: WriteSessionDep,
    principal: WritePrincipal,
) -> PublishResult:
    """Change the guarantees of the active contract (same rules as a publish)."""
    out = await service.patch_guarantees(session, principal, contract_id, data)
    response.status_code = _STATUS[out.outcome]
    return await service.to_result(session, out)
