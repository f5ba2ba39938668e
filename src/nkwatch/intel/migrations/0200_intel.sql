-- Threat-intel knowledge base. Records are stored as the validated flat form (JSON body)
-- plus the columns queries filter on; every change is logged in intel_change.
CREATE TABLE IF NOT EXISTS intel_incident (
    incident_id VARCHAR PRIMARY KEY,
    theft_date VARCHAR NOT NULL,
    amount_usd DECIMAL(20, 2),
    body JSON NOT NULL,
    origin VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS intel_address (
    incident_id VARCHAR NOT NULL,
    chain VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    address_key VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, chain, address_key, role)
);
CREATE INDEX IF NOT EXISTS intel_address_key ON intel_address (address_key);
CREATE TABLE IF NOT EXISTS intel_statistic (
    statistic_id VARCHAR PRIMARY KEY,
    body JSON NOT NULL,
    origin VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS intel_actor (
    actor_id VARCHAR PRIMARY KEY,
    body JSON NOT NULL,
    origin VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE SEQUENCE IF NOT EXISTS intel_change_id START 1;
CREATE TABLE IF NOT EXISTS intel_change (
    id BIGINT PRIMARY KEY DEFAULT nextval('intel_change_id'),
    changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    changed_by VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    record_type VARCHAR NOT NULL,
    record_id VARCHAR NOT NULL,
    before JSON,
    after JSON
);
CREATE TABLE IF NOT EXISTS intel_meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
