-- DirectAuth schema version 1 (PostgreSQL).
CREATE TABLE users (
    id text NOT NULL PRIMARY KEY,
    login text NOT NULL,
    normalized_login text NOT NULL,
    email text NULL,
    first_name text NULL,
    last_name text NULL,
    mobile_phone text NULL,
    status text NOT NULL,
    password_hash text NULL,
    created timestamptz NOT NULL,
    activated timestamptz NULL,
    status_changed timestamptz NULL,
    last_login timestamptz NULL,
    last_updated timestamptz NOT NULL,
    password_changed timestamptz NULL
);
CREATE UNIQUE INDEX ix_users_normalized_login ON users (normalized_login);

CREATE TABLE sign_in_throttles (
    key text NOT NULL PRIMARY KEY,
    failures integer NOT NULL,
    lockouts integer NOT NULL,
    locked_until timestamptz NULL,
    last_failure timestamptz NOT NULL
);

CREATE TABLE applications (
    client_id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    application_type text NOT NULL,
    token_endpoint_auth_method text NOT NULL,
    grant_types text NOT NULL,
    client_secret_hash bytea NULL,
    jwks text NULL,
    status text NOT NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL
);

CREATE TABLE authorization_servers (
    id text NOT NULL PRIMARY KEY,
    name text NOT NULL,
    description text NULL,
    audience text NULL,
    signing_alg text NOT NULL,
    custom_scopes text NOT NULL,
    status text NOT NULL,
    created timestamptz NOT NULL,
    last_updated timestamptz NOT NULL
);

CREATE TABLE signing_keys (
    kid text NOT NULL PRIMARY KEY,
    server_id text NOT NULL REFERENCES authorization_servers (id) ON DELETE CASCADE,
    alg text NOT NULL,
    status text NOT NULL,
    public_jwk text NOT NULL,
    protected_private_key bytea NOT NULL,
    created timestamptz NOT NULL,
    activated timestamptz NULL,
    retired timestamptz NULL,
    published_until timestamptz NULL
);
CREATE INDEX ix_signing_keys_server ON signing_keys (server_id, status);

CREATE TABLE refresh_tokens (
    id text NOT NULL PRIMARY KEY,
    token_hash bytea NOT NULL,
    family_id text NOT NULL,
    server_id text NOT NULL,
    client_id text NOT NULL,
    user_id text NULL,
    scopes text NOT NULL,
    amr text NOT NULL,
    acr text NULL,
    auth_time timestamptz NOT NULL,
    created timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    family_expires_at timestamptz NOT NULL,
    consumed_at timestamptz NULL,
    revoked_at timestamptz NULL
);
CREATE UNIQUE INDEX ix_refresh_tokens_hash ON refresh_tokens (token_hash);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE revoked_access_tokens (
    jti text NOT NULL PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

CREATE TABLE used_assertions (
    client_id text NOT NULL,
    jti text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);

CREATE TABLE audit_events (
    id text NOT NULL PRIMARY KEY,
    published timestamptz NOT NULL,
    event_type text NOT NULL,
    outcome text NOT NULL,
    reason text NULL,
    severity text NOT NULL,
    display_message text NOT NULL,
    actor_id text NULL,
    actor_type text NULL,
    actor_alternate_id text NULL,
    target_id text NULL,
    target_type text NULL,
    target_alternate_id text NULL,
    client_id text NULL,
    ip_address text NULL,
    details text NULL
);
CREATE INDEX ix_audit_events_published ON audit_events (published);
CREATE INDEX ix_audit_events_type ON audit_events (event_type, published);
