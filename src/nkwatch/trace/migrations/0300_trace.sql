-- Fund tracing: value transfers of both ledger models, service labels, trace reports.
-- Amounts are exact integers in base units (HUGEINT holds any ERC-20 amount up to 2^127).
CREATE TABLE IF NOT EXISTS trace_transfers (
    chain VARCHAR NOT NULL,
    tx_hash VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    kind VARCHAR NOT NULL,            -- native | internal | token
    from_address VARCHAR NOT NULL,
    to_address VARCHAR NOT NULL,
    asset_contract VARCHAR NOT NULL,  -- '' for the native coin
    symbol VARCHAR NOT NULL,
    decimals INTEGER NOT NULL,
    amount HUGEINT NOT NULL,
    block BIGINT NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    fee HUGEINT NOT NULL DEFAULT 0,
    failed BOOLEAN NOT NULL DEFAULT false,
    source VARCHAR NOT NULL,          -- importer / crawler that recorded the row
    PRIMARY KEY (chain, tx_hash, idx, kind)
);
CREATE INDEX IF NOT EXISTS trace_transfers_from ON trace_transfers (chain, from_address);
CREATE INDEX IF NOT EXISTS trace_transfers_to ON trace_transfers (chain, to_address);

CREATE TABLE IF NOT EXISTS trace_utxo_txs (
    chain VARCHAR NOT NULL,
    tx_hash VARCHAR NOT NULL,
    block BIGINT NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    coinbase BOOLEAN NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (chain, tx_hash)
);
CREATE TABLE IF NOT EXISTS trace_utxo_outputs (
    chain VARCHAR NOT NULL,
    tx_hash VARCHAR NOT NULL,
    n INTEGER NOT NULL,
    address VARCHAR,
    value BIGINT NOT NULL,
    PRIMARY KEY (chain, tx_hash, n)
);
CREATE TABLE IF NOT EXISTS trace_utxo_inputs (
    chain VARCHAR NOT NULL,
    tx_hash VARCHAR NOT NULL,
    n INTEGER NOT NULL,
    prev_tx VARCHAR NOT NULL,
    prev_n INTEGER NOT NULL,
    address VARCHAR,
    value BIGINT,
    PRIMARY KEY (chain, tx_hash, n)
);

CREATE TABLE IF NOT EXISTS trace_labels (
    chain VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    service VARCHAR NOT NULL,
    category VARCHAR NOT NULL,       -- exchange | bridge | mixer | dex | sanctioned | incident | ...
    confidence DOUBLE NOT NULL,
    source VARCHAR NOT NULL,
    source_date VARCHAR,
    detail VARCHAR,                  -- e.g. the destination chain of a bridge
    PRIMARY KEY (chain, address, source)
);

CREATE TABLE IF NOT EXISTS trace_reports (
    name VARCHAR PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    report JSON NOT NULL
);
