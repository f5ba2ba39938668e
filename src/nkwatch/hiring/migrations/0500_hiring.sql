-- Hiring screening runs: one row per run, per person, per cluster and per bad record.
CREATE SEQUENCE IF NOT EXISTS hiring_screening_id START 1;
CREATE TABLE IF NOT EXISTS hiring_screening (
    id BIGINT PRIMARY KEY DEFAULT nextval('hiring_screening_id'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    source VARCHAR NOT NULL,
    source_sha256 VARCHAR NOT NULL,
    summary JSON NOT NULL,
    sanctions_versions VARCHAR[] NOT NULL
);
CREATE TABLE IF NOT EXISTS hiring_person_result (
    screening_id BIGINT NOT NULL,
    person_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    cluster_id VARCHAR,
    report JSON,  -- NULL when no indicator fired
    PRIMARY KEY (screening_id, person_id)
);
CREATE TABLE IF NOT EXISTS hiring_cluster (
    screening_id BIGINT NOT NULL,
    cluster_id VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    size INTEGER NOT NULL,
    report JSON NOT NULL,
    PRIMARY KEY (screening_id, cluster_id)
);
CREATE TABLE IF NOT EXISTS hiring_record_error (
    screening_id BIGINT NOT NULL,
    source VARCHAR NOT NULL,
    row_no INTEGER NOT NULL,
    record_id VARCHAR,
    field VARCHAR,
    message VARCHAR NOT NULL,
    fatal BOOLEAN NOT NULL,
    raw_preview VARCHAR
);
