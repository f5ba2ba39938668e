-- Per-address scans of the EVM crawler (nodes with trace_filter): a row says every block in
-- first_block..last_block where `address` sent (direction 'out') or received ('in') value is
-- cached complete in evm_blocks / evm_transfers.
CREATE TABLE IF NOT EXISTS evm_address_scans (
    chain VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    direction VARCHAR NOT NULL,
    first_block BIGINT NOT NULL,
    last_block BIGINT NOT NULL,
    scanned_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS evm_address_scans_addr ON evm_address_scans (chain, address, direction);
