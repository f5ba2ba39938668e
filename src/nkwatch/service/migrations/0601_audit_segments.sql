-- How far the service's audit ingester got in each worker's segment file (see
-- service/segments.py). Updated in the same transaction as the rows it copied into
-- audit_log, so an entry is never lost nor inserted twice.
CREATE TABLE IF NOT EXISTS service_audit_segments (
    name VARCHAR PRIMARY KEY,
    offset_bytes BIGINT NOT NULL
);
