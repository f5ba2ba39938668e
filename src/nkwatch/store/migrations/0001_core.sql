-- Core tables shared by every capability.
CREATE SEQUENCE IF NOT EXISTS audit_log_id START 1;
CREATE TABLE IF NOT EXISTS audit_log (
    id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_id'),
    occurred_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    query JSON NOT NULL,
    result JSON NOT NULL,
    list_versions VARCHAR[] NOT NULL
);
