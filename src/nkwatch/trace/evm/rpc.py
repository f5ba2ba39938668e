"""JSON-RPC client for EVM nodes: timeouts, retry with capped exponential backoff and full
jitter, and batched requests.

Answers are read with msgspec: the envelope is decoded and each result kept as raw JSON, so a
caller that knows the shape (traces, logs, headers) decodes it straight into typed structs
with only the fields it needs (:meth:`RpcClient.batch_as`), and everyone else gets plain
Python values.

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
from typing import Any, TypeVar

import msgspec

from nkwatch.errors import OperationalError, UserError
from nkwatch.trace.evm.transport import Connections, TransportError, shown_url

# JSON-RPC error codes that mean "try again later" rather than "no".
_TRANSIENT_CODES = frozenset({-32005, -32098, -32099, 429})
_NO_RESULT = msgspec.Raw(b"")
T = TypeVar("T")


class _Answer(msgspec.Struct, gc=False):
    """One JSON-RPC response object; ``result`` stays undecoded until its caller asks."""

    id: Any = None
    result: msgspec.Raw = _NO_RESULT
    error: Any = None


_ANSWERS = msgspec.json.Decoder(list[_Answer] | _Answer)
_ANY = msgspec.json.Decoder()
_ENCODE = msgspec.json.Encoder().encode


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


class NodeUnavailable(OperationalError):
    """The node did not give a usable answer after all retries: an operational failure
    (exit 69, HTTP 503 with Retry-After), not the user's mistake; the watch retries it."""


class _Transient(Exception):
    """A failure worth retrying (transport error, 5xx/429, malformed or missing answer)."""


def backoff_delay(attempt: int, config: RpcConfig, rng: Callable[[], float]) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    cap: float = min(config.backoff_max_s, config.backoff_base_s * 2.0**attempt)
    return rng() * cap


class RpcClient:
    """Synchronous JSON-RPC over HTTP. One instance per node; callers on several threads
    (prefetching) each get their own connection."""

    def __init__(
        self,
        config: RpcConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self._http = Connections(config.url, config.timeout_s)
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
        return [
            r if isinstance(r, RpcError) else _ANY.decode(r) if r else None
            for r in self.batch_raw(calls)
        ]

    def batch_as(
        self, calls: Sequence[tuple[str, Sequence[Any]]], decoder: msgspec.json.Decoder[T]
    ) -> list[T]:
        """Results of ``calls`` decoded by ``decoder`` (a typed msgspec decoder: unknown
        fields are skipped, not built). An answer of another shape is the node's fault:
        NodeUnavailable, which watchers retry."""
        out: list[T] = []
        for (method, _), raw in zip(calls, self.batch_raw(calls), strict=True):
            if isinstance(raw, RpcError):
                raise raw
            out.append(decode_result(method, raw, decoder, shown_url(self.config.url)))
        return out

    def batch_raw(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        """Undecoded results (``msgspec.Raw``, empty when the answer had none) or RpcError,
        in order; chunked by ``batch_size``, each chunk retried as a whole."""
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
            where=shown_url(self.config.url),
        )

    def _send(self, calls: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        ids = [next(self._ids) for _ in calls]
        body = [
            {"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)}
            for i, (m, p) in zip(ids, calls, strict=True)
        ]
        try:
            status, content = self._http.post(_ENCODE(body))
        except TransportError as exc:
            raise _Transient(str(exc)) from exc
        if status == 429 or status >= 500:
            raise _Transient(f"HTTP {status}")
        if status >= 400:
            raise NodeUnavailable(f"HTTP {status}", where=shown_url(self.config.url))
        try:
            answer = _ANSWERS.decode(content)
        except msgspec.DecodeError as exc:
            raise _Transient("answer is not a JSON-RPC response") from exc
        if isinstance(answer, _Answer) and answer.id is None and answer.error is not None:
            # the node rejected the request as a whole (e.g. batches not allowed, too large)
            code, message = _error_parts(answer.error)
            if code in _TRANSIENT_CODES:
                raise _Transient(message)
            raise NodeUnavailable(
                f"request rejected: {code} {message}", where=shown_url(self.config.url)
            )
        by_id = {item.id: item for item in ([answer] if isinstance(answer, _Answer) else answer)}
        out: list[Any] = []
        for i, (method, _) in zip(ids, calls, strict=True):
            item = by_id.get(i)
            if item is None:
                raise _Transient(f"no answer for {method}")
            if item.error is not None:
                code, message = _error_parts(item.error)
                if code in _TRANSIENT_CODES:
                    raise _Transient(f"{method}: {message}")
                out.append(RpcError(method, code, message))
            else:
                out.append(item.result)
        return out


def decode_result(
    method: str, raw: msgspec.Raw, decoder: msgspec.json.Decoder[T], where: str = ""
) -> T:
    """One raw result through a typed decoder; another shape is the node's fault
    (NodeUnavailable, which watchers retry)."""
    try:
        return decoder.decode(raw or b"null")
    except msgspec.DecodeError as exc:
        raise NodeUnavailable(f"{method}: unexpected answer: {exc}", where=where) from None


def _error_parts(error: Any) -> tuple[int, str]:
    """(code, message) of a JSON-RPC error member, whatever shape the node gave it."""
    if isinstance(error, dict):
        code = error.get("code", 0)
        return (code if isinstance(code, int) else 0), str(error.get("message", error))
    return 0, str(error)


def to_int(value: str | int | None) -> int:
    """A JSON-RPC quantity ("0x1a") as int; missing quantities are 0."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    return int(value, 16)


def quantity(value: int) -> str:
    return hex(value)
