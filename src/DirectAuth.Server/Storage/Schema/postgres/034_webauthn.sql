-- Passkeys (WebAuthn). One user handle per user (the WebAuthn user.id, random, shared by all of the user's
-- passkeys); one credential per webauthn factor, its credential id unique across users; challenges stored only
-- as the SHA-256 of their bytes, bound to their purpose, server, client, user and mfa transaction, used once.
CREATE TABLE webauthn_user_handles (
    user_id text NOT NULL PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    handle bytea NOT NULL
);
CREATE UNIQUE INDEX ix_webauthn_user_handles_handle ON webauthn_user_handles (handle);
CREATE TABLE webauthn_credentials (
    factor_id text NOT NULL PRIMARY KEY REFERENCES factors (id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    credential_id bytea NOT NULL,
    public_key bytea NOT NULL,
    sign_count bigint NOT NULL,
    aaguid text NOT NULL,
    attestation_format text NOT NULL,
    user_verified boolean NOT NULL,
    backup_eligible boolean NOT NULL,
    backed_up boolean NOT NULL,
    name text NOT NULL,
    created timestamptz NOT NULL,
    last_used timestamptz NULL
);
CREATE UNIQUE INDEX ix_webauthn_credentials_credential_id ON webauthn_credentials (credential_id);
CREATE INDEX ix_webauthn_credentials_user ON webauthn_credentials (user_id);
CREATE TABLE webauthn_challenges (
    id text NOT NULL PRIMARY KEY,
    challenge_hash bytea NOT NULL,
    purpose text NOT NULL,
    server_id text NULL,
    client_id text NULL,
    user_id text NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_id text NULL REFERENCES factors (id) ON DELETE CASCADE,
    mfa_transaction_id text NULL REFERENCES mfa_transactions (id) ON DELETE CASCADE,
    user_verification text NOT NULL,
    created timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz NULL
);
CREATE UNIQUE INDEX ix_webauthn_challenges_hash ON webauthn_challenges (challenge_hash);
CREATE INDEX ix_webauthn_challenges_expires ON webauthn_challenges (expires_at);
