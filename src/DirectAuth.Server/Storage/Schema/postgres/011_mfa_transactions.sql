-- MFA transactions: what a sign-in proved so far, waiting for a second factor. Only the SHA-256 of the mfa_token is stored.
CREATE TABLE mfa_transactions (
    id text NOT NULL PRIMARY KEY,
    token_hash bytea NOT NULL,
    server_id text NOT NULL,
    client_id text NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes text NOT NULL,
    amr text NOT NULL,
    primary_factor text NOT NULL,
    second_factors text NOT NULL,
    created timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    failed_attempts integer NOT NULL DEFAULT 0,
    completed_at timestamptz NULL
);
CREATE UNIQUE INDEX ix_mfa_transactions_hash ON mfa_transactions (token_hash);
CREATE INDEX ix_mfa_transactions_expires ON mfa_transactions (expires_at);

-- One-time recovery codes (look-up secrets), salted and hashed; a used code keeps its row with used_at set.
CREATE TABLE recovery_codes (
    id text NOT NULL PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    salt bytea NOT NULL,
    code_hash bytea NOT NULL,
    created timestamptz NOT NULL,
    used_at timestamptz NULL
);
CREATE INDEX ix_recovery_codes_user ON recovery_codes (user_id);
