-- Passkeys (WebAuthn). One user handle per user (the WebAuthn user.id, random, shared by all of the user's
-- passkeys); one credential per webauthn factor, its credential id unique across users; challenges stored only
-- as the SHA-256 of their bytes, bound to their purpose, server, client, user and mfa transaction, used once.
CREATE TABLE webauthn_user_handles (
    user_id TEXT NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle BLOB NOT NULL
);
CREATE UNIQUE INDEX ix_webauthn_user_handles_handle ON webauthn_user_handles (handle);
CREATE TABLE webauthn_credentials (
    factor_id TEXT NOT NULL PRIMARY KEY REFERENCES factors (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id BLOB NOT NULL,
    public_key BLOB NOT NULL,
    sign_count INTEGER NOT NULL,
    aaguid TEXT NOT NULL,
    attestation_format TEXT NOT NULL,
    user_verified INTEGER NOT NULL,
    backup_eligible INTEGER NOT NULL,
    backed_up INTEGER NOT NULL,
    name TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_used INTEGER NULL
);
CREATE UNIQUE INDEX ix_webauthn_credentials_credential_id ON webauthn_credentials (credential_id);
CREATE INDEX ix_webauthn_credentials_user ON webauthn_credentials (user_id);
CREATE TABLE webauthn_challenges (
    id TEXT NOT NULL PRIMARY KEY,
    challenge_hash BLOB NOT NULL,
    purpose TEXT NOT NULL,
    server_id TEXT NULL,
    client_id TEXT NULL,
    user_id TEXT NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_id TEXT NULL REFERENCES factors (id) ON DELETE CASCADE,
    mfa_transaction_id TEXT NULL REFERENCES mfa_transactions (id) ON DELETE CASCADE,
    user_verification TEXT NOT NULL,
    created INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER NULL
);
CREATE UNIQUE INDEX ix_webauthn_challenges_hash ON webauthn_challenges (challenge_hash);
CREATE INDEX ix_webauthn_challenges_expires ON webauthn_challenges (expires_at);
