"""Live EVM source: a JSON-RPC client, decoders from node answers to :class:`Transfer` rows,
and a crawler that fetches outward from seeds on demand and caches what it fetched."""
