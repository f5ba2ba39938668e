-- Stored exposure runs: a named set of subjects screened together (the bundled example's
-- deposits), with each subject's full result (sources, shares, paths, provenance).
CREATE SEQUENCE IF NOT EXISTS exposure_run_id START 1;
CREATE TABLE IF NOT EXISTS exposure_run (
    id BIGINT PRIMARY KEY DEFAULT nextval('exposure_run_id'),
    name VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    chain VARCHAR NOT NULL,
    source VARCHAR NOT NULL,  -- where the subjects came from (provenance of the run)
    policy VARCHAR NOT NULL,
    max_hops INTEGER NOT NULL,
    list_versions VARCHAR[] NOT NULL
);
CREATE TABLE IF NOT EXISTS exposure_result (
    run_id BIGINT NOT NULL,
    subject VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    dprk_share DOUBLE NOT NULL,
    result JSON NOT NULL,
    PRIMARY KEY (run_id, subject)
);
