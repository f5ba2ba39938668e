-- Fund tracing: the transfers' natural key (chain, tx_hash, idx, kind) becomes a UNIQUE INDEX
-- instead of a PRIMARY KEY constraint. Duplicates are rejected and INSERT OR IGNORE skips
-- them exactly as before; what changes is that a bulk import into an empty table can drop
-- the three indexes and build them once after the load, inside the same transaction
-- (repository.insert_staged), which is several times faster than growing them row by row.
CREATE TABLE trace_transfers_v2 (
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
    source VARCHAR NOT NULL
);
INSERT INTO trace_transfers_v2 SELECT * FROM trace_transfers ORDER BY rowid;
DROP TABLE trace_transfers;
ALTER TABLE trace_transfers_v2 RENAME TO trace_transfers;
CREATE UNIQUE INDEX trace_transfers_key ON trace_transfers (chain, tx_hash, idx, kind);
CREATE INDEX trace_transfers_from ON trace_transfers (chain, from_address);
CREATE INDEX trace_transfers_to ON trace_transfers (chain, to_address);
