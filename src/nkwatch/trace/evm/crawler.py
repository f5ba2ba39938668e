"""Crawl an EVM node outward from seeds, on demand, caching complete blocks in the store.

The crawler is a :class:`~nkwatch.trace.source.TransferSource` (and ``IncomingSource``): the
tracer asks for the outgoing transfers of an address after time t. Two ways to answer:

* ``address`` mode (nodes with ``trace_filter``: erigon, reth, nethermind, anvil): find the
  blocks where the address moved value (``trace_filter`` + ``eth_getLogs`` by topic), cache
  those blocks whole, and record the scanned range per address (migration 0351), so a BFS
  from the seeds reads only the blocks it needs;
* ``blocks`` mode (any node, e.g. geth): make every block from t to the head complete.

Blocks are always fetched whole (native values, call-trace internal transfers, token logs),
in chunks, each chunk written in one transaction: an interrupted crawl leaves only complete
blocks behind and the next run fetches just the gaps; a scanned range is recorded only after
all its blocks are cached. Before extending the cache the crawler compares the stored tip
with the node's block of the same number and rolls back replaced blocks (reorg).
:meth:`EvmCrawler.crawl` is the bounded BFS over addresses from the seeds.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from nkwatch.chains import chain_by_evm_id, get_chain
from nkwatch.errors import OperationalError, UserError
from nkwatch.store import Store
from nkwatch.trace.evm.addrscan import IN, OUT, candidate_blocks, gaps, supports_trace_filter
from nkwatch.trace.evm.cache import EvmCache
from nkwatch.trace.evm.decode import address as canonical
from nkwatch.trace.evm.fetch import BlockFetcher
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig, RpcError, to_int
from nkwatch.trace.evm.tokens import TokenMeta, fetch_token_meta
from nkwatch.trace.model import Transfer


@dataclass(frozen=True)
class CrawlConfig:
    chain: str = "ethereum"
    chunk_blocks: int = 25  # blocks per request batch and per store transaction
    confirmations: int = 0  # stay this many blocks behind the head
    start_block: int | None = None  # never fetch below this (None: from the seeds' time)
    # "blocks": every block from t (complete cache: other tools read it whole);
    # "address": per-address trace_filter scans; "auto": address when the node offers it
    mode: str = "blocks"
    scan_window: int = 50_000  # blocks per trace_filter / eth_getLogs request (address mode)
    max_hops: int = 6
    max_addresses: int = 10_000
    stop_at: frozenset[str] = frozenset()  # services: reached, never expanded


@dataclass
class SyncStats:
    fetched: int = 0
    rolled_back: int = 0
    head: int = 0


@dataclass
class CrawlResult:
    hops: dict[str, int] = field(default_factory=dict)  # address -> hop at which reached
    transfers: list[Transfer] = field(default_factory=list)  # outgoing transfers expanded
    truncated: bool = False  # max_addresses reached before the frontier was exhausted


class EvmCrawler:
    def __init__(self, store: Store, rpc: RpcClient, config: CrawlConfig | None = None) -> None:
        self.config = config or CrawlConfig()
        self.cache = EvmCache(store, self.config.chain)
        self.fetcher = BlockFetcher(rpc, self.config.chain, self._token_lookup)
        self.stats = SyncStats()
        self._synced: tuple[int, int] | None = None
        self._mode: str | None = None if self.config.mode == "auto" else self.config.mode
        self._head: int | None = None  # safe head for this session (address mode)

    # -- TransferSource ----------------------------------------------------------------
    def outgoing(self, chain: str, address: str, since: datetime | None) -> list[Transfer]:
        self._check_chain(chain)
        addr = canonical(address)
        if self.mode() == "address":
            self._scan(addr, OUT, since)
        else:
            self.ensure(since)
        return self.cache.outgoing(addr, since)

    def incoming(self, chain: str, address: str, until: datetime | None) -> list[Transfer]:
        self._check_chain(chain)
        addr = canonical(address)
        if self.mode() == "address":
            self._scan(addr, IN, None)
        else:
            self.ensure(None)
        return self.cache.incoming(addr, until)

    def mode(self) -> str:
        """``address`` when the node offers ``trace_filter`` (unless configured), else
        ``blocks``."""
        if self._mode is None:
            ok = supports_trace_filter(self.fetcher.rpc, self.fetcher.head())
            self._mode = "address" if ok else "blocks"
        return self._mode

    # -- address mode ------------------------------------------------------------------
    def _scan(self, address: str, direction: str, since: datetime | None) -> None:
        """Cache every block where ``address`` moved value in ``direction`` from ``since``
        to the safe head; the scanned range is recorded once all those blocks are cached."""
        if self._head is None:
            self.stats.rolled_back += self._rollback_reorg()
            self._head = self.fetcher.head() - self.config.confirmations
        first = self.config.start_block
        if first is None:
            first = self.block_at(since) if since is not None else 0
        last = max(first, self._head)
        for lo, hi in gaps(self.cache.scans(address, direction), first, last):
            for start in range(lo, hi + 1, self.config.scan_window):
                end = min(hi, start + self.config.scan_window - 1)
                wanted = candidate_blocks(self.fetcher.rpc, address, direction, start, end)
                self._fetch_blocks(sorted(wanted))
                self.cache.add_scan(address, direction, start, end)
        self.stats.head = last

    # -- syncing -----------------------------------------------------------------------
    def ensure(self, since: datetime | None) -> None:
        """Make the cache complete from ``since`` (or ``start_block``) to the safe head."""
        first = self.config.start_block
        if first is None:
            first = self.block_at(since) if since is not None else 0
        if self._synced is not None and self._synced[0] <= first:
            return
        last = max(first, self.fetcher.head() - self.config.confirmations)
        self.sync(first, last)
        self._synced = (first, last)

    def sync(self, first: int, last: int) -> SyncStats:
        """Fetch every missing block in ``first..last``; roll back a replaced tip first."""
        self.stats.rolled_back += self._rollback_reorg()
        self._fetch_blocks(range(first, last + 1))
        self.stats.head = last
        return self.stats

    def _fetch_blocks(self, numbers: Sequence[int]) -> None:
        """Fetch and cache the blocks of ``numbers`` (sorted) not cached yet, in chunks."""
        if not numbers:
            return
        have = self.cache.have(numbers[0], numbers[-1])
        missing = [n for n in numbers if n not in have]
        for start in range(0, len(missing), self.config.chunk_blocks):
            for lo, hi in _runs(missing[start : start + self.config.chunk_blocks]):
                blocks = self.fetcher.fetch(lo, hi)
                self.cache.write(blocks)
                self.stats.fetched += len(blocks)

    def _rollback_reorg(self) -> int:
        """Walk back from the cached tip to the newest block whose hash the node agrees with."""
        tip = self.cache.tip()
        if tip is None:
            return 0
        number = tip.number
        while number >= 0:
            lo = max(0, number - 63)
            ours = self.cache.hashes(lo, number)
            theirs = {h.number: h.hash for h in self.fetcher.headers(list(range(lo, number + 1)))}
            for n in range(number, lo - 1, -1):
                if n in ours and theirs.get(n) == ours[n]:
                    return self.cache.drop_from(n + 1) if n < tip.number else 0
            number = lo - 1
        return self.cache.drop_from(0)

    def block_at(self, when: datetime) -> int:
        """The first block with timestamp >= ``when`` (binary search over headers)."""
        lo, hi = 0, self.fetcher.head()
        while lo < hi:
            mid = (lo + hi) // 2
            (head,) = self.fetcher.headers([mid])
            if head.timestamp < when:
                lo = mid + 1
            else:
                hi = mid
        return lo

    # -- bounded BFS -------------------------------------------------------------------
    def crawl(self, seeds: Iterable[str], since: datetime | None) -> CrawlResult:
        """Breadth-first over addresses from ``seeds``, each expanded with the outgoing
        transfers after the time value reached it, bounded by hops and address count."""
        result = CrawlResult()
        reached: dict[str, datetime | None] = {}
        queue: deque[str] = deque()
        for seed in seeds:
            addr = canonical(seed)
            result.hops[addr] = 0
            reached[addr] = since
            queue.append(addr)
        while queue:
            addr = queue.popleft()
            hop = result.hops[addr]
            if hop >= self.config.max_hops or addr in self.config.stop_at:
                continue
            for t in self.outgoing(self.config.chain, addr, reached[addr]):
                if t.failed or t.amount == 0:
                    continue
                result.transfers.append(t)
                nxt = t.to_address
                if nxt in result.hops:
                    continue
                if len(result.hops) >= self.config.max_addresses:
                    result.truncated = True
                    continue
                result.hops[nxt] = hop + 1
                reached[nxt] = t.timestamp
                queue.append(nxt)
        return result

    # -- helpers -----------------------------------------------------------------------
    def _token_lookup(self, contracts: Sequence[str]) -> Mapping[str, TokenMeta]:
        known = self.cache.tokens(contracts)
        missing = [c for c in contracts if c not in known]
        if missing:
            fresh = fetch_token_meta(self.fetcher.rpc, missing)
            self.cache.put_tokens(fresh)
            known.update({m.contract: m for m in fresh})
        return known

    def _check_chain(self, chain: str) -> None:
        if chain != self.config.chain:
            raise UserError(f"this node serves {self.config.chain}, not {chain}", where="--rpc")


def _runs(numbers: Sequence[int]) -> list[tuple[int, int]]:
    """Consecutive runs in sorted ``numbers`` as (first, last) pairs."""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def rpc_source(
    store: Store,
    url: str,
    chain: str,
    *,
    crawl: CrawlConfig | None = None,
    rpc_config: RpcConfig | None = None,
) -> EvmCrawler:
    """The crawler for ``nkwatch trace run --rpc URL``: checks the URL and that the node
    serves ``chain``. The caller closes ``crawler.fetcher.rpc`` when done."""
    if not url.startswith(("http://", "https://")):
        raise UserError("RPC URL must start with http:// or https://", where="--rpc")
    info = get_chain(chain)
    if info.family != "evm":
        raise UserError(f"{info.id} is not an EVM chain: --rpc crawls EVM nodes", where="--rpc")
    chain = info.id
    rpc = RpcClient(rpc_config or RpcConfig(url, max_retries=3))
    try:
        chain_id = to_int(rpc.call("eth_chainId"))
    except RpcError as exc:
        rpc.close()
        raise UserError(f"node refused eth_chainId: {exc.detail}", where=url) from exc
    except (UserError, OperationalError):
        rpc.close()
        raise
    # a public network's id must match the chain asked for; any other id (dev nodes, private
    # testnets) is accepted under whatever known chain the user names
    served = chain_by_evm_id(chain_id)
    if served is not None and served.id != chain:
        rpc.close()
        raise UserError(f"node serves {served.id} (chain id {chain_id}), not {chain}", where=url)
    return EvmCrawler(store, rpc, replace(crawl or CrawlConfig(mode="auto"), chain=chain))
