-- Service access: API keys and UI users (secrets stored hashed only) and login sessions.
CREATE TABLE IF NOT EXISTS service_api_keys (
    key_id VARCHAR PRIMARY KEY,          -- public prefix shown in lists and the audit log
    secret_sha256 VARCHAR NOT NULL,      -- SHA-256 of the full 256-bit random key
    role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    label VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at TIMESTAMPTZ
);
CREATE TABLE IF NOT EXISTS service_users (
    username VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,      -- scrypt$n$r$p$salt$hash
    role VARCHAR NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS service_sessions (
    token_sha256 VARCHAR PRIMARY KEY,
    principal VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
