"""Small builders for hand-worked account-model cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from nkwatch.trace.model import Asset, Transfer, TransferKind

ETH = Asset("ethereum", "ETH", 18)
T0 = datetime(2025, 2, 21, 14, 0, tzinfo=UTC)


def addr(n: int) -> str:
    return "0x" + f"{n:040x}"


def tx(
    i: int, frm: int, to: int, amount: int, minute: int, *, asset: Asset = ETH, fee: int = 0
) -> Transfer:
    kind = TransferKind.NATIVE if asset.contract is None else TransferKind.TOKEN
    return Transfer(
        chain="ethereum",
        tx_hash="0x" + f"{i:064x}",
        index=0,
        kind=kind,
        from_address=addr(frm),
        to_address=addr(to),
        asset=asset,
        amount=amount,
        block=1000 + minute,
        timestamp=T0 + timedelta(minutes=minute),
        fee=fee,
    )
