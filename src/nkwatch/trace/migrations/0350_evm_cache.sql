-- Cache of what the live EVM crawler fetched from a node (trace/evm/crawler.py).
-- A row in evm_blocks means the block is complete: its header and every transfer in it
-- (native, internal, token) were written in the same transaction. Hashes detect reorgs.
CREATE TABLE IF NOT EXISTS evm_blocks (
    chain VARCHAR NOT NULL,
    number BIGINT NOT NULL,
    hash VARCHAR NOT NULL,
    parent_hash VARCHAR NOT NULL,
    ts TIMESTAMPTZ NOT NULL,
    transfers INTEGER NOT NULL,
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, number)
);
CREATE TABLE IF NOT EXISTS evm_transfers (
    chain VARCHAR NOT NULL,
    number BIGINT NOT NULL,
    tx_pos INTEGER NOT NULL,          -- position of the transaction in its block
    tx_hash VARCHAR NOT NULL,
    idx INTEGER NOT NULL,
    kind VARCHAR NOT NULL,            -- native | internal | token
    from_address VARCHAR NOT NULL,
    to_address VARCHAR NOT NULL,
    asset_contract VARCHAR,           -- NULL for the native coin
    amount VARCHAR NOT NULL,          -- exact uint256 as decimal text
    fee VARCHAR NOT NULL,
    failed BOOLEAN NOT NULL
);
CREATE INDEX IF NOT EXISTS evm_transfers_from ON evm_transfers (chain, from_address);
CREATE INDEX IF NOT EXISTS evm_transfers_to ON evm_transfers (chain, to_address);
CREATE INDEX IF NOT EXISTS evm_transfers_block ON evm_transfers (chain, number);
-- Token metadata read with eth_call; decimals NULL = the token published none (flagged).
CREATE TABLE IF NOT EXISTS evm_tokens (
    chain VARCHAR NOT NULL,
    contract VARCHAR NOT NULL,
    symbol VARCHAR,
    name VARCHAR,
    decimals INTEGER,
    fetched_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain, contract)
);
