"""Production reports and Cybersyn-style monitoring (Beer's triple index, change alerts)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, status
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from cooplan.api import schemas
from cooplan.api.deps import Ctx, RequestContext
from cooplan.errors import InputError
from cooplan.services import monitoring
from cooplan.services.monitoring import COLUMNS, UPLOAD_FILE

router = APIRouter(prefix="/api", tags=["monitoring"])
ERRORS: schemas.Responses = {
    401: {"model": schemas.ErrorOut},
    403: {"model": schemas.ErrorOut},
    404: {"model": schemas.ErrorOut},
}
EconomyId = Annotated[int, Path(ge=1, le=schemas.MAX_ID)]
CSV_BODY = {
    "requestBody": {
        "required": True,
        "description": f"The reports as CSV (columns {', '.join(COLUMNS)}): the request body "
        "(text/csv) or the form field 'file' of a multipart upload.",
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


class ReportsRecordedOut(BaseModel):
    economy_id: int
    rows: int
    superseded: int
    periods: list[str]


class MonitoringOut(BaseModel):
    economy_id: int
    report_count: int
    periods: list[str]
    coops: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    forecasts: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    events: list[dict[str, Any]]


async def _upload_bytes(request: Request) -> bytes | None:
    """The CSV bytes of the request: its body, or a multipart form's ``file`` (None if absent)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        part = form.get("file")
        if isinstance(part, UploadFile):
            return await part.read()
        return part.encode("utf-8") if isinstance(part, str) else None
    return await request.body()


def _decode(data: bytes | None) -> str:
    if data is None:
        raise InputError.single(
            UPLOAD_FILE,
            "the multipart upload has no field 'file'",
            column="file",
            fix="send the CSV as the form field 'file', or as the request body",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError.single(
            UPLOAD_FILE,
            f"not UTF-8 text (byte {error.start})",
            fix="save the reports as UTF-8 CSV",
        ) from error


def _record(ctx: RequestContext, economy_id: int, data: bytes | None) -> ReportsRecordedOut:
    with ctx.unit() as (session, actor):
        recorded = monitoring.record_reports(
            session, actor=actor, economy_id=economy_id, csv_text=_decode(data)
        )
        session.commit()
        return ReportsRecordedOut(
            economy_id=recorded.economy_id,
            rows=recorded.rows,
            superseded=recorded.superseded,
            periods=list(recorded.periods),
        )


@router.post(
    "/economies/{economy_id}/reports",
    operation_id="record_production_reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportsRecordedOut,
    responses={**ERRORS, 422: {"model": schemas.ErrorOut}},
    openapi_extra=CSV_BODY,
)
async def record_production_reports(
    economy_id: EconomyId, request: Request, ctx: Ctx
) -> ReportsRecordedOut:
    """Append production reports (coop, product, period, actual, capability, potential) of
    an economy's coops (planners and administrators). A report for a coop, product and
    period already reported supersedes the earlier one; both are kept."""
    data = await _upload_bytes(request)
    return await run_in_threadpool(_record, ctx, economy_id, data)


@router.get(
    "/economies/{economy_id}/monitoring",
    operation_id="read_monitoring",
    response_model=MonitoringOut,
    responses=ERRORS,
)
def read_monitoring(economy_id: EconomyId, ctx: Ctx) -> MonitoringOut:
    """Beer's triple index per coop and period, and the change alerts with their escalation
    level, computed from the economy's latest reports."""
    with ctx.unit() as (session, _actor):
        return MonitoringOut(**monitoring.economy_monitoring(session, economy_id))
