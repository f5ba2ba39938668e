-- Sanctions list versions. One row per imported file (identified by the sha256 of its
-- uncompressed XML); exactly one active version per list_id. A party is stored once per
-- version as a JSON document (fast bulk load into memory) plus side tables for the
-- values people query directly: names and digital-currency addresses.
CREATE TABLE IF NOT EXISTS sanctions_list_version (
    version_id VARCHAR PRIMARY KEY,
    list_id VARCHAR NOT NULL,
    publisher VARCHAR NOT NULL,
    published DATE NOT NULL,
    sha256 VARCHAR NOT NULL UNIQUE,
    source_name VARCHAR NOT NULL,
    source_sha256 VARCHAR,
    imported_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    active BOOLEAN NOT NULL DEFAULT false,
    party_count INTEGER NOT NULL,
    address_count INTEGER NOT NULL,
    relationship_count INTEGER NOT NULL,
    notes VARCHAR[] NOT NULL DEFAULT []
);

CREATE TABLE IF NOT EXISTS sanctions_party (
    version_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL, -- position in the published file
    schema VARCHAR NOT NULL,
    caption VARCHAR NOT NULL,
    programs VARCHAR[] NOT NULL,
    data VARCHAR NOT NULL,
    PRIMARY KEY (version_id, entity_id)
);

CREATE TABLE IF NOT EXISTS sanctions_name (
    version_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    script VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    weak BOOLEAN NOT NULL
);

-- address_key: the address as compared (EVM hex lower-cased, others as published).
CREATE TABLE IF NOT EXISTS sanctions_crypto_address (
    version_id VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    address VARCHAR NOT NULL,
    address_key VARCHAR NOT NULL
);
CREATE INDEX IF NOT EXISTS sanctions_crypto_address_key ON sanctions_crypto_address (address_key);

CREATE TABLE IF NOT EXISTS sanctions_relationship (
    version_id VARCHAR NOT NULL,
    ordinal INTEGER NOT NULL,
    source_id VARCHAR NOT NULL,
    target_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL
);
