-- DirectAuth schema version 1 (SQLite). Times are DateTimeOffset binary values (INTEGER).
CREATE TABLE users (
    id TEXT NOT NULL PRIMARY KEY,
    login TEXT NOT NULL,
    normalized_login TEXT NOT NULL,
    email TEXT NULL,
    first_name TEXT NULL,
    last_name TEXT NULL,
    mobile_phone TEXT NULL,
    status TEXT NOT NULL,
    password_hash TEXT NULL,
    created INTEGER NOT NULL,
    activated INTEGER NULL,
    status_changed INTEGER NULL,
    last_login INTEGER NULL,
    last_updated INTEGER NOT NULL,
    password_changed INTEGER NULL
);
CREATE UNIQUE INDEX ix_users_normalized_login ON users (normalized_login);

CREATE TABLE sign_in_throttles (
    key TEXT NOT NULL PRIMARY KEY,
    failures INTEGER NOT NULL,
    lockouts INTEGER NOT NULL,
    locked_until INTEGER NULL,
    last_failure INTEGER NOT NULL
);

CREATE TABLE applications (
    client_id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    application_type TEXT NOT NULL,
    token_endpoint_auth_method TEXT NOT NULL,
    grant_types TEXT NOT NULL,
    client_secret_hash BLOB NULL,
    jwks TEXT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL
);

CREATE TABLE authorization_servers (
    id TEXT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NULL,
    audience TEXT NULL,
    signing_alg TEXT NOT NULL,
    custom_scopes TEXT NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL
);

CREATE TABLE signing_keys (
    kid TEXT NOT NULL PRIMARY KEY,
    server_id TEXT NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    alg TEXT NOT NULL,
    status TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    protected_private_key BLOB NOT NULL,
    created INTEGER NOT NULL,
    activated INTEGER NULL,
    retired INTEGER NULL,
    published_until INTEGER NULL
);
CREATE INDEX ix_signing_keys_server ON signing_keys (server_id, status);

CREATE TABLE refresh_tokens (
    id TEXT NOT NULL PRIMARY KEY,
    token_hash BLOB NOT NULL,
    family_id TEXT NOT NULL,
    server_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    user_id TEXT NULL,
    scopes TEXT NOT NULL,
    amr TEXT NOT NULL,
    acr TEXT NULL,
    auth_time INTEGER NOT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    family_expires_at INTEGER NOT NULL,
    consumed_at INTEGER NULL,
    revoked_at INTEGER NULL
);
CREATE UNIQUE INDEX ix_refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE revoked_access_tokens (
    jti TEXT NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
);

CREATE TABLE used_assertions (
    client_id TEXT NOT NULL,
    jti TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE TABLE audit_events (
    id TEXT NOT NULL PRIMARY KEY,
    published INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason TEXT NULL,
    severity TEXT NOT NULL,
    display_message TEXT NOT NULL,
    actor_id TEXT NULL,
    actor_type TEXT NULL,
    actor_alternate_id TEXT NULL,
    target_id TEXT NULL,
    target_type TEXT NULL,
    target_alternate_id TEXT NULL,
    client_id TEXT NULL,
    ip_address TEXT NULL,
    details TEXT NULL
);
CREATE INDEX ix_audit_events_published ON audit_events (published);
CREATE INDEX ix_audit_events_type ON audit_events (event_type, published);
