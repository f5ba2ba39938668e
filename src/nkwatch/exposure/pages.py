"""Exposure page: one address or transaction, its decision and sources; watch alerts."""

from __future__ import annotations

from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from starlette.responses import Response

from nkwatch.chains import all_chains
from nkwatch.errors import UserError
from nkwatch.exposure import repository
from nkwatch.exposure import router as exposure
from nkwatch.service.deps import PageAnalyst, State
from nkwatch.service.web.render import render
from nkwatch.store import audit

router = APIRouter(include_in_schema=False)

CHAINS = tuple(  # the chains exposure scores (account-model EVM and UTXO ledgers)
    c.id for c in all_chains() if c.family in ("evm", "utxo") and c.id not in ("anvil", "synthetic")
)


def _alerts(state: State) -> list[audit.AuditEntry]:
    return audit.entries(state.access.view(), limit=20, action="watch.alert")


def _runs(state: State) -> list[repository.StoredRun]:
    return repository.latest_runs(state.access.view(), limit=3)


@router.get("/exposure", response_class=HTMLResponse)
def page(request: Request, state: State, who: PageAnalyst) -> Response:
    return render(
        request,
        "exposure.html",
        who,
        form={},
        chains=CHAINS,
        alerts=_alerts(state),
        runs=_runs(state),
    )


@router.post("/exposure", response_class=HTMLResponse)
async def check(
    request: Request,
    state: State,
    who: PageAnalyst,
    chain: Annotated[str, Form(max_length=20)] = "ethereum",
    subject: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    form = {"chain": chain, "subject": subject}
    text = subject.strip()
    try:
        is_tx = len(text) == 66 and text.startswith("0x")
        body = exposure.ExposureRequest(
            chain=chain, tx_hash=text if is_tx else None, address=None if is_tx else text
        )
        result = await anyio.to_thread.run_sync(lambda: exposure.screen(state, who, body))
    except (UserError, ValidationError) as exc:
        message = exc.message if isinstance(exc, UserError) else "check the address and chain"
        return render(request, "exposure.html", who, 400, form=form, chains=CHAINS,
                      alerts=_alerts(state), runs=_runs(state), error=message)  # fmt: skip
    return render(request, "exposure.html", who, form=form, chains=CHAINS,
                  alerts=_alerts(state), runs=_runs(state), result=result)  # fmt: skip
