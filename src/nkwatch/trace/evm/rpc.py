"""JSON-RPC client for EVM nodes: timeouts, retry with capped exponential backoff and full
jitter, and batched requests.

Nodes fail in ordinary ways (restarts, rate limits, load balancers answering 502): those are
retried with growing, randomised pauses so many clients do not retry in lock-step. A JSON-RPC
error that is the node's considered answer (unknown method, bad params) is not retried.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from nkwatch.errors import UserError

# JSON-RPC error codes that mean "try again later" rather than "no".
_TRANSIENT_CODES = frozenset({-32005, -32098, -32099, 429})


@dataclass(frozen=True)
class RpcConfig:
    url: str
    timeout_s: float = 10.0
    max_retries: int = 6  # attempts after the first
    backoff_base_s: float = 0.1
    backoff_max_s: float = 4.0
    batch_size: int = 200


class RpcError(UserError):
    """The node answered with a JSON-RPC error object (reported as one line, exit 2, when
    nothing above handles it: the user has to pick another node or range)."""

    def __init__(self, method: str, code: int, detail: str) -> None:
        self.method = method
        self.code = code
        self.detail = detail
        super().__init__(f"{method}: node error {code}: {detail}")

    @property
    def unsupported(self) -> bool:
        """True when the node does not offer the method (e.g. ``trace_filter`` on geth)."""
        text = self.detail.lower()
        return self.code == -32601 or "not supported" in text or "method not found" in text


class NodeUnavailable(UserError):
    """The node did not give a usable answer after all retries."""


class _Transient(Exception):
    """A failure worth retrying (transport error, 5xx/429, malformed or missing answer)."""


def backoff_delay(attempt: int, config: RpcConfig, rng: Callable[[], float]) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    cap: float = min(config.backoff_max_s, config.backoff_base_s * 2.0**attempt)
    return rng() * cap


class RpcClient:
    """Synchronous JSON-RPC over HTTP. One instance per node; not thread-safe."""

    def __init__(
        self,
        config: RpcConfig,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._http = httpx.Client(timeout=config.timeout_s, transport=transport)
        self._ids = itertools.count(1)
        self._sleep = sleep
        self._rng = rng
        self.retries = 0  # transient failures survived, for logs and tests

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RpcClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------
    def call(self, method: str, params: Sequence[Any] = ()) -> Any:
        return self.batch([(method, params)])[0]

    def batch(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Results of ``calls`` in order; chunked by ``batch_size``. Raises RpcError on a
        per-call error answer and NodeUnavailable when retries are exhausted."""
        results = self.batch_lenient(calls)
        for item in results:
            if isinstance(item, RpcError):
                raise item
        return results

    def batch_lenient(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Like :meth:`batch` but a per-call error answer is returned in place as an
        :class:`RpcError` (e.g. ``eth_call`` to a token without ``decimals()``)."""
        results: list[Any] = []
        size = max(1, self.config.batch_size)
        for start in range(0, len(calls), size):
            results.extend(self._with_retry(calls[start : start + size]))
        return results

    # -- internals ---------------------------------------------------------------------
    def _with_retry(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        last = ""
        for attempt in range(self.config.max_retries + 1):
            try:
                return self._send(calls)
            except _Transient as exc:
                last = str(exc)
            if attempt < self.config.max_retries:
                self.retries += 1
                self._sleep(backoff_delay(attempt, self.config, self._rng))
        raise NodeUnavailable(
            f"no usable answer after {self.config.max_retries + 1} attempts ({last})",
            where=self.config.url,
        )

    def _send(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        ids = [next(self._ids) for _ in calls]
        body = [
            {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
            for i, (m, p) in zip(ids, calls, strict=True)
        ]
        try:
            response = self._http.post(
                self.config.url,
                content=orjson.dumps(body),
                headers={"Content-Type": "application/json"},
            )
        except httpx.TransportError as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 429 or response.status_code >= 500:
            raise _Transient(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise NodeUnavailable(f"HTTP {response.status_code}", where=self.config.url)
        try:
            answer = orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            raise _Transient("answer is not JSON") from exc
        if isinstance(answer, dict) and answer.get("id") is None and "error" in answer:
            # the node rejected the request as a whole (e.g. batches not allowed, too large)
            whole: dict[str, Any] = answer["error"] if isinstance(answer["error"], dict) else {}
            code, message = int(whole.get("code", 0)), str(whole.get("message", answer["error"]))
            if code in _TRANSIENT_CODES:
                raise _Transient(message)
            raise NodeUnavailable(f"request rejected: {code} {message}", where=self.config.url)
        if isinstance(answer, dict):
            answer = [answer]
        if not isinstance(answer, list):
            raise _Transient("answer is not a JSON-RPC batch")
        by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
        out: list[Any] = []
        for i, (method, _) in zip(ids, calls, strict=True):
            item = by_id.get(i)
            if item is None:
                raise _Transient(f"no answer for {method}")
            error = item.get("error")
            if error is not None:
                code = int(error.get("code", 0)) if isinstance(error, dict) else 0
                message = (
                    str(error.get("message", error)) if isinstance(error, dict) else str(error)
                )
                if code in _TRANSIENT_CODES:
                    raise _Transient(f"{method}: {message}")
                out.append(RpcError(method, code, message))
            else:
                out.append(item.get("result"))
        return out


def to_int(value: str | int | None) -> int:
    """A JSON-RPC quantity ("0x1a") as int; missing quantities are 0."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return int(value, 16)


def quantity(value: int) -> str:
    return hex(value)
