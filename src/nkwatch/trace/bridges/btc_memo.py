"""Memos carried by Bitcoin ``OP_RETURN`` outputs, read from bitcoin-etl's ``script_hex`` or
``script_asm``. THORChain writes its outbound memo (``OUT:<INBOUND_HASH>``) there."""

from __future__ import annotations

OP_RETURN = 0x6A
_PUSHDATA = {0x4C: 1, 0x4D: 2, 0x4E: 4}


def _pushes(script: bytes) -> bytes | None:
    """Concatenated data pushes after OP_RETURN; None when the script is not one."""
    if not script or script[0] != OP_RETURN:
        return None
    out = b""
    i = 1
    while i < len(script):
        op = script[i]
        i += 1
        if 1 <= op <= 0x4B:
            size = op
        elif op in _PUSHDATA:
            width = _PUSHDATA[op]
            if i + width > len(script):
                return None
            size = int.from_bytes(script[i : i + width], "little")
            i += width
        elif op == 0:
            continue
        else:
            return None  # a non-push opcode: not a data carrier
        if i + size > len(script):
            return None
        out += script[i : i + size]
        i += size
    return out


def _text(data: bytes | None) -> str | None:
    if not data:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None


def memo_from_hex(script_hex: str) -> str | None:
    """The UTF-8 memo of an OP_RETURN script in hex; None for other scripts or binary data."""
    try:
        script = bytes.fromhex(script_hex.strip().removeprefix("0x"))
    except ValueError:
        return None
    return _text(_pushes(script))


def memo_from_asm(script_asm: str) -> str | None:
    """The memo of ``OP_RETURN <hex> [<hex>…]`` (bitcoin-etl/Core ``asm`` form)."""
    parts = script_asm.split()
    if not parts or parts[0] != "OP_RETURN":
        return None
    data = b""
    for part in parts[1:]:
        if part.startswith("OP_PUSHDATA"):
            continue
        try:
            data += bytes.fromhex(part)
        except ValueError:
            return None
    return _text(data)


def output_memo(script_hex: str | None, script_asm: str | None) -> str | None:
    """The memo of an output from whichever script form the file carries."""
    if script_hex:
        found = memo_from_hex(script_hex)
        if found is not None:
            return found
    return memo_from_asm(script_asm) if script_asm else None


def op_return_hex(memo: str) -> str:
    """The OP_RETURN script carrying ``memo`` (tests and the synthetic generator)."""
    data = memo.encode("utf-8")
    if len(data) <= 0x4B:
        return (bytes([OP_RETURN, len(data)]) + data).hex()
    return (bytes([OP_RETURN, 0x4C, len(data)]) + data).hex()
