"""A local development node (anvil) for the scenario, the tests and the watch benchmark.

Starts ``anvil`` from the npm package ``@foundry-rs/anvil-linux-amd64`` (found under
``node_modules`` or via ``$NKWATCH_ANVIL``) on a free loopback port, and drives it with the
node's own unlocked/impersonated accounts: no private keys, no web3 dependency.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nkwatch.errors import OperationalError, UserError
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig, RpcError, quantity, to_int


def find_anvil(start: Path | None = None, env: Mapping[str, str] | None = None) -> Path:
    """``$NKWATCH_ANVIL``, else ``node_modules/.bin/anvil`` in ``start`` or a parent, else PATH."""
    env = os.environ if env is None else env
    if env.get("NKWATCH_ANVIL"):
        return Path(env["NKWATCH_ANVIL"])
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "node_modules" / ".bin" / "anvil"
        if candidate.exists():
            return candidate
    found = shutil.which("anvil")
    if found:
        return Path(found)
    raise UserError("anvil not found: run `npm install` (package @foundry-rs/anvil-linux-amd64)")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class AnvilNode:
    """A running anvil process on 127.0.0.1; :meth:`stop` ends it (SIGTERM, then SIGKILL)."""

    process: subprocess.Popen[bytes]
    port: int
    args: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_anvil(
    binary: Path,
    *,
    port: int | None = None,
    accounts: int = 40,
    balance: int = 100_000,
    extra: Sequence[str] = (),
    log: Path | None = None,
    ready_timeout_s: float = 30.0,
) -> AnvilNode:
    """Launch anvil with call tracing on and wait until it answers ``eth_chainId``."""
    port = port or free_port()
    args = [
        str(binary),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--accounts",
        str(accounts),
        "--balance",
        str(balance),
        "--auto-impersonate",
        *extra,
    ]
    sink = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - owned by the child
    process = subprocess.Popen(args, stdout=sink, stderr=sink)
    node = AnvilNode(process, port, args)
    deadline = time.monotonic() + ready_timeout_s
    with RpcClient(RpcConfig(node.url, timeout_s=1.0, max_retries=0)) as rpc:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"anvil exited with {process.returncode}: {' '.join(args)}")
            try:
                rpc.call("eth_chainId")
                return node
            except (UserError, OperationalError):  # not listening yet
                time.sleep(0.05)
    node.stop()
    raise RuntimeError(f"anvil did not answer on port {port} within {ready_timeout_s}s")


# -- minimal ABI encoding (static types, address[]/uint256[] and string arguments) ----------
def enc_uint(value: int) -> str:
    return f"{value:064x}"


def enc_address(addr: str) -> str:
    return addr.lower().removeprefix("0x").rjust(64, "0")


def enc_bytes32(value: bytes) -> str:
    return value.hex().ljust(64, "0")


def encode_args(args: Sequence[Any]) -> str:
    """ABI-encode arguments: ``int`` -> uint256, ``str`` 0x+40 hex -> address, other ``str``
    -> string, ``bytes`` (32) -> bytes32, ``list`` of int/address -> dynamic array."""
    head: list[str] = []
    tail: list[str] = []
    size = 32 * len(args)
    for arg in args:
        if isinstance(arg, bool | int):
            head.append(enc_uint(int(arg)))
        elif isinstance(arg, bytes):
            head.append(enc_bytes32(arg))
        elif isinstance(arg, str) and arg.startswith("0x") and len(arg) == 42:
            head.append(enc_address(arg))
        else:
            if isinstance(arg, str):
                raw = arg.encode("utf-8")
                body = enc_uint(len(raw)) + raw.hex().ljust(((len(raw) + 31) // 32) * 64, "0")
            else:
                body = enc_uint(len(arg)) + "".join(
                    enc_address(x) if isinstance(x, str) else enc_uint(x) for x in arg
                )
            head.append(enc_uint(size + sum(len(t) // 2 for t in tail)))
            tail.append(body)
    return "".join(head) + "".join(tail)


class DevChain:
    """Send transactions and read state on a dev node through its JSON-RPC."""

    def __init__(self, rpc: RpcClient, artefacts: Mapping[str, Any] | None = None) -> None:
        self.rpc = rpc
        self.artefacts = artefacts or {}

    def accounts(self) -> list[str]:
        return [a.lower() for a in self.rpc.call("eth_accounts")]

    def send(
        self,
        sender: str,
        to: str | None,
        *,
        value: int = 0,
        data: str = "0x",
        gas: int | None = None,
    ) -> dict[str, Any]:
        """Send, mine (automine) and return the receipt; a reverted tx raises RuntimeError."""
        tx: dict[str, Any] = {"from": sender, "value": quantity(value), "data": data}
        tx["gas"] = quantity(gas or (100_000 if data == "0x" else 3_000_000))
        if to is not None:
            tx["to"] = to
        tx_hash = str(self.rpc.call("eth_sendTransaction", [tx]))
        receipt = self.wait_receipt(tx_hash)
        if to_int(receipt["status"]) != 1:
            raise RuntimeError(f"transaction reverted: {tx_hash}")
        return receipt

    def wait_receipt(self, tx_hash: str, timeout_s: float = 10.0) -> dict[str, Any]:
        """Poll for the receipt: anvil mines asynchronously even with automine."""
        deadline = time.monotonic() + timeout_s
        while True:
            receipt: dict[str, Any] | None = self.rpc.call("eth_getTransactionReceipt", [tx_hash])
            if receipt is not None:
                return receipt
            if time.monotonic() > deadline:
                raise RuntimeError(f"no receipt for {tx_hash}: is the node mining?")
            time.sleep(0.005)

    def selector(self, contract: str, signature: str) -> str:
        return "0x" + str(self.artefacts[contract]["methods"][signature])

    def deploy(self, sender: str, contract: str, *args: Any, value: int = 0) -> str:
        code = str(self.artefacts[contract]["bytecode"]) + encode_args(args)
        receipt = self.send(sender, None, value=value, data=code, gas=6_000_000)
        return str(receipt["contractAddress"]).lower()

    def transact(
        self, sender: str, to: str, contract: str, signature: str, *args: Any, value: int = 0
    ) -> dict[str, Any]:
        data = self.selector(contract, signature) + encode_args(args)
        return self.send(sender, to, value=value, data=data)

    def read(self, to: str, contract: str, signature: str, *args: Any) -> str:
        data = self.selector(contract, signature) + encode_args(args)
        return str(self.rpc.call("eth_call", [{"to": to, "data": data}, "latest"]))

    def balance(self, addr: str) -> int:
        return to_int(self.rpc.call("eth_getBalance", [addr, "latest"]))

    def block_number(self) -> int:
        return to_int(self.rpc.call("eth_blockNumber"))

    def mine(self, blocks: int = 1) -> None:
        self.rpc.call("anvil_mine", [quantity(blocks)])

    def set_automine(self, on: bool) -> None:
        self.rpc.call("evm_setAutomine", [on])

    def snapshot(self) -> str:
        return str(self.rpc.call("evm_snapshot"))

    def revert(self, snapshot_id: str) -> None:
        if not self.rpc.call("evm_revert", [snapshot_id]):
            raise RpcError("evm_revert", 0, f"snapshot {snapshot_id} not reverted")
