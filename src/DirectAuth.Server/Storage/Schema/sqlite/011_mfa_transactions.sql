-- MFA transactions: what a sign-in proved so far, waiting for a second factor. Only the SHA-256 of the mfa_token is stored.
CREATE TABLE mfa_transactions (
    id TEXT NOT NULL PRIMARY KEY,
    token_hash BLOB NOT NULL,
    server_id TEXT NOT NULL,
    client_id TEXT NOT NULL REFERENCES applications (client_id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    amr TEXT NOT NULL,
    primary_factor TEXT NOT NULL,
    second_factors TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    completed_at INTEGER NULL
);
CREATE UNIQUE INDEX ix_mfa_transactions_hash ON mfa_transactions (token_hash);
CREATE INDEX ix_mfa_transactions_expires ON mfa_transactions (expires_at);

-- One-time recovery codes (look-up secrets), salted and hashed; a used code keeps its row with used_at set.
CREATE TABLE recovery_codes (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    salt BLOB NOT NULL,
    code_hash BLOB NOT NULL,
    created INTEGER NOT NULL,
    used_at INTEGER NULL
);
CREATE INDEX ix_recovery_codes_user ON recovery_codes (user_id);
