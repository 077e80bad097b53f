-- Enrolled authenticators (Okta factors), shared by TOTP, push, SMS and voice.
CREATE TABLE factors (
    id TEXT NOT NULL PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    factor_type TEXT NOT NULL,
    provider TEXT NOT NULL,
    status TEXT NOT NULL,
    created INTEGER NOT NULL,
    last_updated INTEGER NOT NULL,
    profile TEXT NULL,
    sealed_secret BLOB NULL,
    public_key TEXT NULL,
    last_used_step INTEGER NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    failure_window_start INTEGER NULL,
    activation_hash BLOB NULL,
    activation_expires_at INTEGER NULL
);
CREATE INDEX ix_factors_user ON factors (user_id);
