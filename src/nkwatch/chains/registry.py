"""The chain table: every spelling of a chain resolves to one :class:`Chain`.

The built-ins (``table``) register exactly like a plug-in: a package adds chains through the
``nkwatch.chains`` entry-point group, each entry point naming a callable that returns an
iterable of :class:`Chain` (loaded on the first lookup). A spelling already taken is refused,
so "eth" can never mean two chains.
"""

from __future__ import annotations

import difflib
import threading
from collections.abc import Callable, Iterable, Iterator

from nkwatch.chains.model import Chain
from nkwatch.errors import UserError

ENTRY_POINT_GROUP = "nkwatch.chains"


class ChainTable:
    def __init__(self, loader: Callable[[], Iterable[Chain]] | None = None) -> None:
        self._ordered: list[Chain] = []
        self._by_name: dict[str, Chain] = {}
        self._by_evm_id: dict[int, Chain] = {}
        self._loader = loader
        self._loaded = loader is None
        self._loading = threading.RLock()

    def _load(self) -> None:
        """Run the loader once. Other threads wait until it has finished (a lookup during
        the load would see a partial table); the loader's own ``register`` calls pass."""
        if self._loaded:
            return
        with self._loading:
            loader, self._loader = self._loader, None
            if loader is None:  # done meanwhile, or this thread is inside the loader
                return
            try:
                for chain in loader():
                    self.register(chain)
            finally:
                self._loaded = True

    def register(self, chain: Chain) -> Chain:
        self._load()
        taken = [s for s in chain.spellings if s in self._by_name]
        if taken:
            raise ValueError(f"chain {chain.id!r}: {', '.join(taken)} already name a chain")
        if chain.evm_chain_id is not None and chain.evm_chain_id in self._by_evm_id:
            raise ValueError(f"chain {chain.id!r}: EVM chain id {chain.evm_chain_id} is taken")
        for spelling in chain.spellings:
            self._by_name[spelling] = chain
        if chain.evm_chain_id is not None:
            self._by_evm_id[chain.evm_chain_id] = chain
        self._ordered.append(chain)
        return chain

    def find(self, name: str) -> Chain | None:
        """The chain named ``name`` (id, code, alias or EVM chain id, any case), or None."""
        self._load()
        return self._by_name.get(name.strip().lower())

    def get(self, name: str, *, where: str | None = "--chain") -> Chain:
        """The chain named ``name``; an unknown name is a :class:`UserError` with suggestions."""
        found = self.find(name)
        if found is not None:
            return found
        known = ", ".join(self.ids())
        close = difflib.get_close_matches(
            name.strip().lower(), list(self._by_name), n=3, cutoff=0.6
        )
        hint = list(dict.fromkeys(self._by_name[c].id for c in close))
        suggest = f"; did you mean {' or '.join(repr(h) for h in hint)}?" if hint else ""
        raise UserError(f"unknown chain {name!r}; known: {known}{suggest}", where=where)

    def by_evm_chain_id(self, chain_id: int) -> Chain | None:
        self._load()
        return self._by_evm_id.get(chain_id)

    def ids(self) -> list[str]:
        self._load()
        return [c.id for c in self._ordered]

    def __iter__(self) -> Iterator[Chain]:
        self._load()
        return iter(list(self._ordered))


def _builtins_and_plugins() -> Iterator[Chain]:
    from importlib.metadata import entry_points

    from nkwatch.chains.table import builtin_chains

    yield from builtin_chains()
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield from ep.load()()


TABLE = ChainTable(_builtins_and_plugins)
