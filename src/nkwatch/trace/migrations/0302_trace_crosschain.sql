-- Cross-chain tracing: the event logs bridge and swap decoders read (only logs whose topic 0
-- a decoder knows are kept; hex text as the file gave it, so a malformed log is reported,
-- not lost), and the memo an OP_RETURN output carries (THORChain's OUT:<inbound>).
CREATE TABLE IF NOT EXISTS trace_logs (
    chain VARCHAR NOT NULL,
    tx_hash VARCHAR NOT NULL,
    log_index INTEGER NOT NULL,
    tx_index INTEGER NOT NULL DEFAULT 0,
    block BIGINT NOT NULL,
    block_hash VARCHAR NOT NULL DEFAULT '',
    address VARCHAR NOT NULL,
    topic0 VARCHAR NOT NULL,
    topics VARCHAR[] NOT NULL,
    data VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (chain, tx_hash, log_index)
);
CREATE INDEX IF NOT EXISTS trace_logs_topic ON trace_logs (chain, topic0);
ALTER TABLE trace_utxo_outputs ADD COLUMN IF NOT EXISTS memo VARCHAR;
