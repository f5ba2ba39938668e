-- State of the live watch (exposure/watch.py), per watch name. Survives restarts: the cursor
-- says which block was processed last, watch_blocks keeps recent hashes to detect reorgs,
-- watch_taint is the poison set derived from processed blocks (dropped with them on a
-- reorg), watch_alerts remembers every alert key so no event is reported twice.
CREATE TABLE IF NOT EXISTS watch_cursor (
    watch_id VARCHAR PRIMARY KEY,
    chain VARCHAR NOT NULL,
    last_block BIGINT NOT NULL,
    last_hash VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS watch_blocks (
    watch_id VARCHAR NOT NULL,
    number BIGINT NOT NULL,
    hash VARCHAR NOT NULL,
    parent_hash VARCHAR NOT NULL,
    PRIMARY KEY (watch_id, number)
);
CREATE TABLE IF NOT EXISTS watch_taint (
    watch_id VARCHAR NOT NULL,
    incident VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    hops INTEGER NOT NULL,
    path VARCHAR[] NOT NULL,
    first_block BIGINT NOT NULL,
    first_tx VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS watch_taint_block ON watch_taint (watch_id, first_block);
CREATE TABLE IF NOT EXISTS watch_alerts (
    watch_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    block BIGINT NOT NULL,
    tx_hash VARCHAR NOT NULL,
    payload JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    orphaned BOOLEAN NOT NULL DEFAULT false,  -- its block was replaced by a reorg
    PRIMARY KEY (watch_id, key)
);
-- One row per (alert, sink) delivered: a sink that was down gets the alert later, the others
-- never twice.
CREATE TABLE IF NOT EXISTS watch_deliveries (
    watch_id VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    sink VARCHAR NOT NULL,
    delivered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (watch_id, key, sink)
);
